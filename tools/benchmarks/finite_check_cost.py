"""What NonFiniteLossHook's checks cost, against a real CLAE training step.

    python tools/benchmarks/finite_check_cost.py [CONFIG] [--batch-size 64] [--iters 10]
        [--device cpu|cuda] [--threads N] [--out FILE]

The step is speed.py's ``clae`` mode (data preprocessor, attack, L_aug +
alpha * L_adv, backward, Adam step on one synthetic batch), with the config's
full-width ResNet-18. The hook is installed on that step's optimizer wrapper
exactly as in training (``before_train``), and ``after_train_iter`` runs after
each step, so the timed checks are the hook's own code: the loss and BN
buffers after the forward, the gradients before the step, the parameters
after it. Two figures:

* ``check_ms``: the checks alone, timed on the state a step leaves (finite
  gradients put back in place of the zeroed ones), median of ``--iters``;
* ``paired``: steps with and without the hook, alternating, median of the
  per-pair ratios (noisy on a shared machine; a sanity check of the first).
"""
import argparse
import importlib.util
import json
import os.path as osp
import platform
import statistics
import sys
import time
from types import SimpleNamespace

import torch
from mmengine.logging import MessageHub, MMLogger


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
    checked = speed.ModeRunner('clae', cfg, speed_args, device, size)
    hook = NonFiniteLossHook()
    runner = SimpleNamespace(model=checked.model, optim_wrapper=checked.optim_wrapper,
                             message_hub=MessageHub.get_instance('finite_check_cost'),
                             logger=MMLogger.get_instance('finite_check_cost'), iter=0, epoch=0,
                             cfg=cfg)
    hook.before_train(runner)

    def checked_step():
        hook.before_train_iter(runner, 0)
        checked.step()
        hook.after_train_iter(runner, 0, outputs={})

    for _ in range(2):  # warm-up
        plain.step()
        checked_step()
    ratios, plain_times = [], []
    for index in range(args.iters):
        order = [('plain', plain.step), ('checked', checked_step)]
        times = {name: timed(step, device) for name, step in (order if index % 2 else order[::-1])}
        ratios.append(times['checked'] / times['plain'])
        plain_times.append(times['plain'])

    # The checks alone, on the state a step leaves.
    model = checked.model
    loss = checked.step()
    for parameter in model.parameters():
        parameter.grad = torch.randn_like(parameter)
    hook._unwrap()  # time the checks, not the update they guard
    checked.optim_wrapper.update_params = lambda loss: None
    checked.optim_wrapper.step = lambda: None
    hook.before_train(runner)

    def checks():
        runner.optim_wrapper.update_params(loss)      # loss + BN buffers (all ranks)
        runner.optim_wrapper.step()                   # gradients
        hook.after_train_iter(runner, 0, outputs={})  # parameters
    checks()
    check_times = [timed(checks, device) for _ in range(max(args.iters, 20))]

    step_s = statistics.median(plain_times)
    check_s = statistics.median(check_times)
    result = dict(
        config=args.config, batch_size=args.batch_size, device=speed.describe_device(device),
        machine=platform.machine(), threads=torch.get_num_threads(),
        parameters=sum(p.numel() for p in model.parameters()),
        step_ms=round(step_s * 1e3, 1), check_ms=round(check_s * 1e3, 2),
        check_fraction_of_step=round(check_s / step_s, 5),
        paired_ratio_median=round(statistics.median(ratios), 4),
        paired_ratios=[round(r, 4) for r in ratios])
    print(json.dumps(result, indent=1))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(result, f, indent=1)
    return result


if __name__ == '__main__':
    main()
