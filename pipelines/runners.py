"""Which Prefect task runner a CLI run uses: threads in this process, or a Dask cluster."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from prefect import Flow

    from matching.linker import ChunkMapper

TaskRunnerName = Literal["threads", "dask"]


def consolidate_with(
    task_runner: TaskRunnerName, dask_address: str | None = None, dask_workers: int = 2
) -> tuple[Flow[..., dict[str, Any]], dict[str, Any]]:
    """The consolidate flow on the chosen runner, and the parameters that runner needs.

    `dask` without an address starts a local cluster of `dask_workers` processes for the
    run; with `tcp://host:port` it joins an existing cluster (its workers must have
    kundenstamm installed and reach the landing folder and the warehouse).
    """
    from pipelines.flow import consolidate

    if task_runner == "threads":
        return consolidate, {}
    from prefect_dask import DaskTaskRunner

    runner = (
        DaskTaskRunner(address=dask_address)
        if dask_address
        else DaskTaskRunner(
            cluster_kwargs={"n_workers": dask_workers, "threads_per_worker": 1, "processes": True}
        )
    )
    # DaskTaskRunner yields PrefectDaskFutures, which the annotation of with_options misses.
    flow = consolidate.with_options(task_runner=runner)  # type: ignore[arg-type]
    return flow, {"parallel_reads": True}


def dask_chunk_mapper() -> ChunkMapper | None:
    """Compare pair partitions on the Dask cluster of the running flow's task runner.

    Outside a flow on a DaskTaskRunner the pairs are compared in this process (None). The
    scheduler address comes from the runner's client, as prefect-dask's own
    `get_dask_client` finds it for flows.
    """
    from prefect.context import FlowRunContext

    context = FlowRunContext.get()
    runner_client = getattr(context.task_runner, "_client", None) if context else None
    if runner_client is None:
        return None
    from distributed import Client

    address = runner_client.scheduler_info()["address"]

    def on_cluster(compare: Any, partitions: list[Any]) -> list[Any]:
        with Client(address, set_as_default=False) as client:
            return list(client.gather(client.map(compare, partitions, pure=False)))

    return on_cluster
