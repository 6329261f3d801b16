"""DDP check for criteria with weights of their own (ASTMT's discriminator): after one epoch on 2 gloo processes,
every process must hold the same discriminator (the engine averages its gradients; DDP only averages the model's).

Prints `discriminator identical across ranks: True|False` and exits 1 when they differ. Slow (two processes).
"""
import os
import sys
import tempfile

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from mti_nb.config import RunConfig, run_config
from mti_nb.engine.distributed import free_port
from mti_nb.engine.progress import Callback
from mti_nb.engine.trainer import train


class KeepCriterion(Callback):
    "Save this rank's criterion (with the discriminator's weights) when training ends."
    def __init__(self, path: str):
        self.path = path

    def on_fit_end(self, trainer) -> None:
        torch.save(trainer.criterion.state_dict(), self.path)


def _entry(rank: int, world: int, port: int, cfg: dict, out: str) -> None:
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port), RANK=str(rank), WORLD_SIZE=str(world),
                      LOCAL_RANK=str(rank))
    torch.set_num_threads(1)
    train(RunConfig.from_dict(cfg), out, progress=False, callbacks=[KeepCriterion(f'{out}/criterion_rank{rank}.pt')])
    dist.destroy_process_group()


def main() -> int:
    cfg = run_config('smoke', model='astmt', backbone='resnet18_fpn', tasks=('semseg', 'depth', 'edge'), epochs=1,
                     device='cpu', model_options=(('decoder_ch', 16), ('n_blocks', 1), ('reduction', 4)))
    with tempfile.TemporaryDirectory() as d:
        mp.spawn(_entry, args=(2, free_port(), cfg.to_dict(), d), nprocs=2, join=True)
        a, b = (torch.load(f'{d}/criterion_rank{r}.pt') for r in (0, 1))
        same = set(a) == set(b) and len(a) > 0 and all(torch.equal(a[k], b[k]) for k in a)
    print(f'discriminator identical across ranks: {same}')
    return 0 if same else 1


if __name__ == '__main__':
    sys.exit(main())
