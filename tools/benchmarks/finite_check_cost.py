"""What NonFiniteLossHook's check costs, against a real CLAE training step.

    python tools/benchmarks/finite_check_cost.py [CONFIG] [--batch-size 64] [--iters 10]
        [--device cpu|cuda] [--threads N] [--out FILE]

The step is speed.py's ``clae`` mode (data preprocessor, attack, L_aug +
alpha * L_adv, backward, Adam step on one synthetic batch), with the config's
full-width ResNet-18. The check is the hook's own ``checked_update``, run on
the state a step leaves (finite gradients put back in place of the zeroed
ones) with an optimizer wrapper whose backward and step do nothing, so what
is timed is the check alone: the fused reduction over the loss, the BN
buffers, the gradients and the parameters, and its one host read. Reported:
``step_ms`` and ``check_ms`` (medians) and their ratio. Paired steps with and
without the check were too noisy on a shared machine to resolve it.
"""
import argparse
import importlib.util
import json
import os.path as osp
import platform
import statistics
import time
from types import SimpleNamespace

import torch

from clae_mm.engine.hooks import NonFiniteLossHook
from clae_mm.utils import keep_freed_memory_in_heap, register_all_modules


def load_speed_tool():
    path = osp.join(osp.dirname(osp.abspath(__file__)), 'speed.py')
    spec = importlib.util.spec_from_file_location('clae_speed_tool', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


speed = load_speed_tool()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', nargs='?', default='configs/clae/simclr_r18_cifar10.py')
    parser.add_argument('--batch-size', type=int, default=64)
    parser.add_argument('--iters', type=int, default=10)
    parser.add_argument('--device', choices=['cpu', 'cuda'])
    parser.add_argument('--threads', type=int)
    parser.add_argument('--out')
    return parser.parse_args(argv)


def timed(function, device) -> float:
    speed.synchronize(device)
    start = time.perf_counter()
    function()
    speed.synchronize(device)
    return time.perf_counter() - start


def main(argv=None) -> dict:
    args = parse_args(argv)
    register_all_modules()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device or ('cuda' if torch.cuda.is_available() else 'cpu'))
    if device.type == 'cpu':
        keep_freed_memory_in_heap()  # as tools/train.py: the step it measures against
    speed_args = speed.parse_args([args.config, '--batch-size', str(args.batch_size),
                                   '--device', device.type])
    cfg = speed.load_config(speed_args)
    size = speed.find_image_size(cfg)
    plain = speed.ModeRunner('clae', cfg, speed_args, device, size)
    for _ in range(2):  # warm-up
        plain.step()
    plain_times = [timed(plain.step, device) for _ in range(args.iters)]

    # The check alone, on the state a step leaves.
    model = plain.model
    loss = plain.step()
    for parameter in model.parameters():
        parameter.grad = torch.randn_like(parameter)
    hook = NonFiniteLossHook()
    no_update = SimpleNamespace(scale_loss=lambda loss: loss, backward=lambda loss: None,
                                should_update=lambda: False, zero_grad=lambda: None)

    def check():
        hook.checked_update(model, loss, no_update)
        assert hook._refusal is None, hook._refusal

    check()
    check_times = [timed(check, device) for _ in range(max(args.iters, 20))]

    step_s = statistics.median(plain_times)
    check_s = statistics.median(check_times)
    result = dict(
        config=args.config, batch_size=args.batch_size, device=speed.describe_device(device),
        machine=platform.machine(), threads=torch.get_num_threads(),
        parameters=sum(p.numel() for p in model.parameters()),
        step_ms=round(step_s * 1e3, 1), check_ms=round(check_s * 1e3, 2),
        check_fraction_of_step=round(check_s / step_s, 5))
    print(json.dumps(result, indent=1))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(result, f, indent=1)
    return result


if __name__ == '__main__':
    main()
