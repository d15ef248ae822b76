"""Only what pyproject.toml cannot say: the wheel carries the repository's example inbox
(inbox/example) and the templates' guide (templates/README.md), so that `pipx install paperflow`
then `paperflow init --example` works without a clone. The repository keeps them at the top, where
a clerk reading it finds them."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithExample(build_py):
    def run(self) -> None:
        super().run()
        data = Path(self.build_lib) / "paperflow" / "data"
        example = ROOT / "inbox" / "example"
        if example.is_dir():
            shutil.copytree(example, data / "example", dirs_exist_ok=True)
        guide = ROOT / "templates" / "README.md"
        if guide.is_file():
            (data / "templates").mkdir(parents=True, exist_ok=True)
            shutil.copyfile(guide, data / "templates" / "README.md")


setup(cmdclass={"build_py": BuildWithExample})
