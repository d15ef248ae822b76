"""paperflow: certificate paperwork of Vietnam's 2025 reorganisation, from inbox to signed mail."""

__version__ = "0.1.0"
