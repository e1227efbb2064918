"""Out-of-time validation of the risk model on the demo city (issue 8).

    .venv/bin/python benchmarks/risk_model.py [--merchants 5000] [--seed 2017]
        [--inspections N] [--complaints N] [--readings N] [--database PATH] [--keep]

Loads the demo city into a scratch SQLite file (migrated from empty), trains exactly as
`creditsvc train` does with the demo's own "today", and prints the out-of-time validation
AUC, KS and Brier score of the logistic baseline, the gradient-boosted model and a
logistic model trained on shuffled labels, which model was chosen, the size of the data,
the drift warnings and the wall time of each step. Evidence counts default to the demo's
own (0.75 inspections, 0.3 complaints and 100 fair-scale readings per merchant).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def app_for(database: Path, storage: Path):
    from cryptography.fernet import Fernet

    from creditsvc import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "STORAGE_DIR": str(storage),
            "SECRET_KEY": "benchmark",
            "PERSONAL_DATA_KEY": Fernet.generate_key().decode(),
            "REDIS_URL": None,
        }
    )


def report(run, seconds: float) -> None:
    from creditsvc.extensions import db
    from creditsvc.models import RiskModelVersion

    row = db.session.get(RiskModelVersion, run.result["model_id"])
    card = row.card
    split = card["split"]
    print(f"training: {seconds:.1f} s; chose {row.kind} ({row.version})")
    print(f"as-of dates {card['data_window']['first_as_of']} … {card['data_window']['last_as_of']}"
          f" every {card['data_window']['step_days']} days; {card['rows']} labelled rows,"
          f" {card['positives']} with a major or serious finding")  # fmt: skip
    print(f"train as-of ≤ {split['train_until']} ({split['train_rows']} rows); validate"
          f" {split['validate_from']} … {split['validate_until']} ({split['validation_rows']}"
          " rows)")  # fmt: skip
    print(f"{'model':<10} {'AUC':>6} {'KS':>6} {'Brier':>6}")
    for kind, m in card["metrics"].items():
        print(f"{kind:<10} {m['auc']:>6.3f} {m['ks']:>6.3f} {m['brier']:>6.3f}")
    floor = card["metrics"]["shuffled"]
    print(f"shuffled: mean of {floor['shuffles']} shuffles; AUC from {floor['auc_min']:.3f}"
          f" to {floor['auc_max']:.3f}")  # fmt: skip
    print("risk classes:", ", ".join(f"{c} {n}" for c, n in run.result["classes"].items()))
    print("drift warnings:", "; ".join(row.drift["warnings"]) or "none")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--merchants", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--inspections", type=int)
    parser.add_argument("--complaints", type=int)
    parser.add_argument("--readings", type=int)
    parser.add_argument("--database", type=Path, help="scratch SQLite file [a temporary one]")
    parser.add_argument("--keep", action="store_true", help="keep the scratch files")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="risk-bench-"))
    database = args.database or scratch / "city.db"
    database.unlink(missing_ok=True)
    from flask_migrate import upgrade

    from creditsvc.demo import city
    from creditsvc.demo.plan import AS_OF
    from creditsvc.jobs.rescore import SYSTEM
    from creditsvc.jobs.train import start_training

    app = app_for(database, scratch / "storage")
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        city.load(merchants=args.merchants, seed=args.seed, inspections=args.inspections,
                  complaints=args.complaints, readings=args.readings)  # fmt: skip
        print(f"demo city of {args.merchants} merchants (seed {args.seed}) loaded in"
              f" {time.perf_counter() - started:.1f} s into {database}")  # fmt: skip
        started = time.perf_counter()
        run = start_training(SYSTEM, actor="benchmark", today=AS_OF)
        report(run, time.perf_counter() - started)
    if not args.keep:
        for path in sorted(scratch.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        scratch.rmdir()
        if args.database:
            database.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
