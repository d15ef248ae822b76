"""The rules of docs/RULES.md over the register: each certificate, token and dossier gets an action
citing its clause and a Vietnamese reason a clerk can check (plan.json, docs/DESIGN.md)."""

from .build import build_plan
from .provinces import ProvinceData, load_2025

__all__ = ["build_plan", "ProvinceData", "load_2025"]
