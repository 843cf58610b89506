"""Generate Python code for protos/ into libs/contracts/src, or check that it is up to date.

    python scripts/gen_protos.py          # regenerate
    python scripts/gen_protos.py --check  # exit 1 if the committed code differs (CI drift check)
"""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTOS = ROOT / "protos"
OUT = ROOT / "libs" / "contracts" / "src"
PACKAGE = "cadence"
BIN = Path(sys.executable).parent  # the plugins live beside the interpreter (the venv)


def generate(out: Path) -> None:
    files = sorted(str(p.relative_to(PROTOS)) for p in PROTOS.rglob("*.proto"))
    cmd = [
        sys.executable, "-m", "grpc_tools.protoc", f"-I{PROTOS}",
        f"--python_out={out}", f"--grpc_python_out={out}",
        f"--plugin=protoc-gen-mypy={BIN / 'protoc-gen-mypy'}",
        f"--plugin=protoc-gen-mypy_grpc={BIN / 'protoc-gen-mypy_grpc'}",
        f"--mypy_out={out}", f"--mypy_grpc_out={out}", *files,
    ]
    subprocess.run(cmd, check=True, cwd=PROTOS)
    for folder in [out / PACKAGE, *(p for p in (out / PACKAGE).rglob("*") if p.is_dir())]:
        (folder / "__init__.py").touch()


def differences(a: Path, b: Path) -> list[str]:
    cmp = filecmp.dircmp(a, b, ignore=["__pycache__"])
    found = [f"only in one tree: {n}" for n in cmp.left_only + cmp.right_only]
    found += [f"differs: {n}" for n in cmp.diff_files]
    for sub in cmp.common_dirs:
        found += differences(a / sub, b / sub)
    return found


def main() -> int:
    if "--check" in sys.argv:
        with tempfile.TemporaryDirectory() as tmp:
            generate(Path(tmp))
            drift = differences(Path(tmp) / PACKAGE, OUT / PACKAGE)
        if drift:
            print("generated code is out of date with protos/ (run `make protos`):", *drift, sep="\n  ")
            return 1
        print("generated code matches protos/")
        return 0
    shutil.rmtree(OUT / PACKAGE, ignore_errors=True)
    generate(OUT)
    print(f"generated into {OUT / PACKAGE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
