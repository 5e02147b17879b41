"""The floor under a one-off refresh: Prefect's smallest flow (one flow, one task, no modeltrail code, no
crawl, no warehouse), run the way `modeltrail refresh` runs its flow with no Prefect server configured.

    python -m bench.prefect_floor        (run by bench.refresh --scope floor, timed from outside)

MODELTRAIL_LOCAL_API=1 (the default): Prefect's imports with the collector paused and frozen, its API
served in this process (flows/local_api.py), as `modeltrail refresh` does; MODELTRAIL_LOCAL_API=0:
Prefect's own ephemeral mode (it starts its API server in a subprocess). PREFECT_HOME comes from the
caller (one folder per mode, so that Prefect's database is created once, by the first run)."""

from __future__ import annotations

from modeltrail.flows.local_api import local_api, quiet_defaults, startup_imports

quiet_defaults()  # as the CLI sets them (modeltrail/cliutil.py): nothing of Prefect's calls home

with startup_imports():
    from prefect import flow, task


@task
def one(x: int) -> int:
    return x + 1


@flow
def smallest() -> int:
    return one(1)


def main() -> int:
    with local_api():  # (serves nothing under MODELTRAIL_LOCAL_API=0: Prefect starts its own server)
        return 0 if smallest() == 2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
