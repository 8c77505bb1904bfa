"""The GPU check of issue 16: one prepared run that measures the GPU path.

    bash tools/benchmarks/gpu_check.sh OUT_DIR          # on the CUDA machine, <= 8 min
    python tools/benchmarks/gpu_check.py OUT_DIR [--device cpu|cuda] [--budget-s 450]
        [--batch-size 512] [--methods simclr plain uel] [--train-iters 300]
        [--precision-steps 30] [--compile auto|on|off] [--cfg-options ...]

Writes ``OUT_DIR/gpu_check.json`` and ``OUT_DIR/gpu_check.md`` (rewritten after
every part, so a run cut short keeps what it measured). The parts, in order,
each under its own time limit and all under ``--budget-s``:

1. ``timing`` of CLAE-SimCLR (60 s): the baseline (eps = 0) and CLAE steps
   interleaved round by round, as ``speed.py`` times them (its ``ModeRunner``
   and ``time_interleaved``), with the views made on the device (the
   ``*_gpu_aug`` dataset base), bf16 autocast (:class:`AutocastOptimWrapper`),
   channels_last and ``cudnn.benchmark``: step time, images/s, the epoch
   projection for 50,000 images, FLOPs counted per step, achieved TFLOP/s and
   its fraction of the device's peak dense bf16 FLOP/s, peak memory, and an
   audit of one step (:class:`StepAudit`: the share of FLOPs in bf16, the host
   synchronisations and where they are);
2. ``train`` (150 s): a real ``tools/train.py`` run of the CLAE-SimCLR
   ``*_gpu_aug`` config on synthetic CIFAR-format data (50,000 images written
   here, nothing downloaded) for a few hundred iterations: the data time
   against the iteration time from the run's ``scalars.json``, and the audit
   of one whole loop iteration (:class:`StepAuditHook`, in step_audit.py: hooks included);
3. ``precision`` (45 s): bf16 autocast against strict float32 (TF32 off) from
   the same initial weights and the same data for ``--precision-steps`` CLAE
   steps: the loss difference per step and how far the weights drifted apart;
4. ``timing`` of Plain and UEL (45 s each), if the budget still allows;
5. ``compile`` (150 s, in a subprocess that is killed at its limit): the
   encoder under ``torch.compile`` with the dual-BN routing, interleaved
   against eager; on the CPU it is skipped unless ``--compile on``.

On the CPU, with a narrow encoder and small sizes (see
``tests/test_tools/test_gpu_check.py``), the same code runs end to end in
the test suite, bf16 autocast included.
"""
import argparse
import ast
import glob
import json
import os
import os.path as osp
import re
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from contextlib import contextmanager, nullcontext

import torch
from mmengine.config import Config, DictAction
from mmengine.logging import MMLogger

# speed.py, step_audit.py and synthetic_cifar.py, beside this file: run as a script,
# Python puts this folder first on sys.path.
import speed
from clae_mm.utils import CLAEError, register_all_modules
from clae_mm.utils.errors import exit_code
from step_audit import StepAudit
from synthetic_cifar import write_synthetic_cifar

TOOLS = osp.dirname(osp.abspath(__file__))
REPO = osp.dirname(osp.dirname(TOOLS))

METHODS = ('simclr', 'plain', 'uel')
EPOCH_IMAGES = 50000  # CIFAR's training split
# Peak dense (no 2:4 sparsity) bf16 tensor-core TFLOP/s from NVIDIA's
# datasheets, matched against torch.cuda.get_device_name in this order.
PEAK_BF16_TFLOPS = (
    (r'GH200', 989.0),
    (r'H200 NVL', 835.0),
    (r'H200', 989.0),
    (r'H100 NVL', 835.0),
    (r'H100 PCIe', 756.0),
    (r'H100', 989.0),  # SXM5, named 'NVIDIA H100 80GB HBM3'
    (r'B200', 2250.0),
    (r'A100', 312.0),
    (r'L40S', 362.0),
    (r'L40\b', 181.0),
    (r'\bL4\b', 121.0),
    (r'\bA10\b', 125.0),
    (r'\bA30\b', 165.0),
    (r'\bA40\b', 149.7),
)
# "H100/H200-class": the issue's < 10 s CLAE-SimCLR epoch target applies.
HOPPER_CLASS = re.compile(r'\b(GH200|H200|H100|H800|B200)\b', re.IGNORECASE)
# Issue 16's targets.
TARGET_RATIO = 1.9
TARGET_DATA_FRACTION = 0.05
TARGET_EPOCH_S = 10.0
# Seconds each part may take (before the overall budget caps it).
PART_LIMITS = dict(timing_simclr=60, train=150, precision=45, timing_plain=45, timing_uel=45,
                   compile=150)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Measure the GPU path (issue 16): one JSON and '
                                     'a markdown summary in OUT_DIR')
    parser.add_argument('out_dir', nargs='?', default=os.environ.get('OUT'),
                        help='output folder (default: $OUT)')
    parser.add_argument('--device', choices=['cpu', 'cuda'], help='default: cuda when available')
    parser.add_argument('--budget-s', type=float, default=450,
                        help='seconds for all parts together (gpu_check.sh stops the run at 480)')
    parser.add_argument('--methods', nargs='+', choices=METHODS, default=list(METHODS),
                        help='methods to time, in order (the first is also trained and compared '
                        'in bf16 and fp32); later ones only if the budget allows')
    parser.add_argument('--batch-size', type=int, default=512, help='images per step')
    parser.add_argument('--image-size', type=int, help='default: the config\'s (32)')
    parser.add_argument('--iters', type=int, default=30, help='timed rounds per method (fewer '
                        'if the part\'s time limit is reached)')
    parser.add_argument('--warmup', type=int, default=5, help='untimed rounds first')
    parser.add_argument('--precision', choices=['bf16', 'fp32'], default='bf16',
                        help='timing and training precision (bf16: AutocastOptimWrapper)')
    parser.add_argument('--no-channels-last', dest='channels_last', action='store_false')
    parser.add_argument('--train-iters', type=int, default=300,
                        help='about this many iterations of the tools/train.py run, in whole '
                        'epochs of --train-images')
    parser.add_argument('--train-images', type=int, default=EPOCH_IMAGES,
                        help='synthetic training images (5 CIFAR batch files)')
    parser.add_argument('--train-workers', type=int,
                        help='loader workers of the train run (default: the config\'s)')
    parser.add_argument('--log-interval', type=int, default=10,
                        help='train run: logger interval and smoothing window')
    parser.add_argument('--precision-steps', type=int, default=30,
                        help='steps of the bf16-vs-fp32 comparison')
    parser.add_argument('--compile', choices=['auto', 'on', 'off'], default='auto',
                        help='time torch.compile of the encoder (auto: on CUDA only)')
    parser.add_argument('--compile-backend', default='inductor')
    parser.add_argument('--peak-tflops', type=float, help='the device\'s peak dense bf16 '
                        'TFLOP/s (default: looked up from the device name)')
    parser.add_argument('--threads', type=int, help='torch CPU threads')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                        help='overrides applied to every config (e.g. a narrow encoder)')
    parser.add_argument('--part', choices=['compile'], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # the --cfg-options words as given, for the tools/train.py command line
    argv = sys.argv[1:] if argv is None else list(argv)
    words = argv[argv.index('--cfg-options') + 1:] if '--cfg-options' in argv else []
    args.cfg_options_text = [w for w in words[:next(
        (i for i, w in enumerate(words) if w.startswith('--')), len(words))]]
    if not args.out_dir:
        parser.error('give OUT_DIR or set $OUT')
    if min(args.batch_size, args.iters, args.train_iters, args.precision_steps,
           args.log_interval) < 1:
        parser.error('--batch-size, --iters, --train-iters, --precision-steps and '
                     '--log-interval must be >= 1')
    return args


# --------------------------------------------------------------------------- #
# Device, budget, configs
def peak_bf16_tflops(device_name: str):
    for pattern, tflops in PEAK_BF16_TFLOPS:
        if re.search(pattern, device_name, re.IGNORECASE):
            return tflops
    return None


class Budget:
    """The overall deadline; each part gets min(its limit, what is left)."""

    def __init__(self, seconds: float):
        self.start = time.monotonic()
        self.seconds = seconds

    def left(self) -> float:
        return self.seconds - (time.monotonic() - self.start)

    def limit(self, part: str) -> float:
        return max(0.0, min(PART_LIMITS[part], self.left()))


def gpu_aug_config(method: str, out_dir: str) -> str:
    """A leaf config: configs/clae/<method>_r18_cifar10.py with its dataset base
    swapped for the *_gpu_aug twin (views made on the device)."""
    source = osp.join(REPO, 'configs', 'clae', f'{method}_r18_cifar10.py')
    with open(source) as f:
        bases = next(ast.literal_eval(node.value) for node in ast.parse(f.read()).body
                     if isinstance(node, ast.Assign) and node.targets[0].id == '_base_')
    swapped = []
    for base in bases:
        path = osp.normpath(osp.join(osp.dirname(source), base))
        if '/datasets/' in path:
            path = path.replace('.py', '_gpu_aug.py')
            if not osp.isfile(path):
                raise CLAEError(f'{path} not found: the {method} dataset base has no *_gpu_aug twin')
        swapped.append(path)
    leaf = osp.join(out_dir, 'configs', f'{method}_r18_cifar10_gpu_aug.py')
    os.makedirs(osp.dirname(leaf), exist_ok=True)
    with open(leaf, 'w') as f:
        f.write(f'# {osp.relpath(source, REPO)} with the views made on the device (gpu_check.py)\n'
                f'_base_ = {swapped!r}\n')
    return leaf


def load_config(leaf: str, args) -> Config:
    cfg = speed.load_config(argparse.Namespace(config=leaf, cfg_options=args.cfg_options))
    if args.precision == 'bf16':
        cfg.optim_wrapper.type = 'AutocastOptimWrapper'
        cfg.optim_wrapper.dtype = 'bfloat16'
    return cfg


def runner_args(args, batch_size=None) -> argparse.Namespace:
    # amp=False: the bf16 autocast comes from the config's AutocastOptimWrapper.
    return argparse.Namespace(channels_last=args.channels_last, amp=False, seed=args.seed,
                              batch_size=batch_size or args.batch_size)


def synchronize(device) -> None:
    speed.synchronize(device)


# --------------------------------------------------------------------------- #
# Part: timing of one method
def resident_bytes(runner) -> int:
    """Parameters, buffers, optimizer state and the input batch of a runner."""
    tensors = list(runner.model.parameters()) + list(runner.model.buffers())
    for state in runner.optim_wrapper.optimizer.state.values():
        tensors += [v for v in state.values() if torch.is_tensor(v)]
    batch = runner.batch['inputs']
    tensors += batch if isinstance(batch, list) else [batch]
    return sum(t.numel() * t.element_size() for t in tensors if t.device.type != 'cpu')


def peak_memory(runner, device):
    """CUDA: the runner's resident state plus the peak the allocator reached
    above what was allocated before one step of it alone (the other runners'
    state is resident too but not counted)."""
    if device.type != 'cuda':
        return None
    synchronize(device)
    before = torch.cuda.memory_allocated(device)
    torch.cuda.reset_peak_memory_stats(device)
    runner.step()
    synchronize(device)
    step_bytes = torch.cuda.max_memory_allocated(device) - before
    resident = resident_bytes(runner)
    return dict(peak_bytes=resident + step_bytes, resident_bytes=resident, step_bytes=step_bytes)


def audited_step(runner, device) -> dict:
    with StepAudit(device.type) as audit:
        runner.step()
        synchronize(device)
    return audit.summary()


def interleave(runners: dict, args, limit_s: float, started: float) -> dict:
    """speed.py's interleaved rounds: --warmup untimed, then as many of
    --iters timed rounds as fit in what is left of limit_s (at least 3)."""
    speed.time_interleaved(runners, args.warmup, 0)
    round_s = sum(r.timed_step()[0] for r in runners.values())
    left = limit_s - (time.monotonic() - started)
    iters = max(3, min(args.iters, int(left / max(round_s, 1e-9))))
    return speed.time_interleaved(runners, 0, iters)


def time_method(method: str, args, device, out_dir: str, limit_s: float, peak_tflops) -> dict:
    started = time.monotonic()
    leaf = gpu_aug_config(method, out_dir)
    cfg = load_config(leaf, args)
    size = speed.find_image_size(cfg, args.image_size)
    runners = {mode: speed.ModeRunner(mode, cfg, runner_args(args), device, size)
               for mode in ('baseline', 'clae')}
    audits, memory = {}, {}
    for mode, runner in runners.items():
        runner.step()  # optimizer state, cudnn.benchmark's search
        audits[mode] = audited_step(runner, device)
        memory[mode] = peak_memory(runner, device)
    records = interleave(runners, args, limit_s, started)
    steps_per_epoch = EPOCH_IMAGES // args.batch_size  # drop_last, as the configs
    modes = {}
    for mode in runners:
        summary = speed.summarise_mode(records[mode], args.batch_size)
        flops = audits[mode]['flops']
        achieved = flops / summary['median_s'] / 1e12
        modes[mode] = dict(
            median_s=summary['median_s'], min_s=summary['min_s'], max_s=summary['max_s'],
            times_s=summary['times_s'], images_per_s=summary['images_per_s'],
            epoch_s=steps_per_epoch * summary['median_s'],
            forwards_per_iter=summary['forwards_per_iter'],
            backwards_per_iter=summary['backwards_per_iter'],
            gflop_per_iter=flops / 1e9, achieved_tflops=achieved,
            fraction_of_peak_bf16=achieved / peak_tflops if peak_tflops else None,
            bf16_flop_fraction=audits[mode]['low_precision_fraction'],
            flops_by_dtype=audits[mode]['flops_by_dtype'],
            host_syncs_per_step=audits[mode]['host_syncs'],
            host_sync_sites=audits[mode]['host_sync_sites'],
            peak_memory_bytes=memory[mode] and memory[mode]['peak_bytes'],
            memory=memory[mode])
    return dict(method=method, config=osp.relpath(leaf, out_dir),
                image_size=size, batch_size=args.batch_size, steps_per_epoch=steps_per_epoch,
                rounds=len(records['clae']), warmup=args.warmup, seconds=time.monotonic() - started,
                ratio_clae_vs_baseline=speed.paired_ratio(records, 'clae', 'baseline'),
                flop_ratio_clae_vs_baseline=(audits['clae']['flops'] / audits['baseline']['flops']),
                modes=modes)


# --------------------------------------------------------------------------- #
# Part: a real tools/train.py run
def train_epochs(args) -> tuple:
    """(epochs, iterations per epoch): whole epochs of --train-images, about
    --train-iters iterations (an epoch-based run sees each epoch's start as
    training does)."""
    per_epoch = args.train_images // args.batch_size  # drop_last
    if per_epoch < 1:
        raise CLAEError(f'--train-images {args.train_images} is less than one batch of '
                        f'{args.batch_size}')
    return max(1, round(args.train_iters / per_epoch)), per_epoch


def train_leaf(args, out_dir: str, audit_iteration: int) -> str:
    base = gpu_aug_config('simclr', out_dir)
    epochs, _ = train_epochs(args)
    lines = [f'_base_ = [{base!r}]',
             f'train_cfg = dict(max_epochs={epochs})',
             f'log_processor = dict(window_size={args.log_interval})',
             # no kNN pass and no checkpoint: only the training loop is timed
             f'default_hooks = dict(knn=None, checkpoint=None, logger=dict(interval={args.log_interval}))',
             # StepAuditHook, from step_audit.py beside this file (on the run's PYTHONPATH)
             'custom_imports = dict(imports=["step_audit"], allow_failed_imports=False)',
             f'custom_hooks = [dict(type="StepAuditHook", iteration={audit_iteration})]',
             f'randomness = dict(seed={args.seed})']
    loader = [f'batch_size={args.batch_size}']
    if args.train_workers is not None:
        loader.append(f'num_workers={args.train_workers}')
    lines.append(f'train_dataloader = dict({", ".join(loader)})')
    if args.precision == 'bf16':
        lines.append('optim_wrapper = dict(type="AutocastOptimWrapper", dtype="bfloat16")')
    leaf = osp.join(out_dir, 'configs', 'train_simclr_r18_cifar10_gpu_aug.py')
    with open(leaf, 'w') as f:
        f.write('# The gpu_check.py train run: CLAE-SimCLR, views made on the device\n')
        f.write('\n'.join(lines) + '\n')
    return leaf


def audit_iteration_for(args) -> int:
    """An early iteration (excluded from the timing) that the logger does not
    log and the adversarial hook does not measure attack_gain at (every 10th)."""
    epochs, per_epoch = train_epochs(args)
    for iteration in range(3, per_epoch + 1):
        if iteration % args.log_interval and iteration % 10 and iteration != per_epoch:
            return iteration
    return 1


def read_train_scalars(work_dir: str) -> list:
    """The training records (with time and data_time) of the run's scalars.json."""
    records = []
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            records += [json.loads(line) for line in f if line.strip()]
    return [r for r in records if 'time' in r and 'data_time' in r]


def train_run(args, device, out_dir: str, data_root: str, limit_s: float) -> dict:
    audit_iteration = audit_iteration_for(args)
    leaf = train_leaf(args, out_dir, audit_iteration)
    work_dir = osp.join(out_dir, 'train_run')
    command = [sys.executable, osp.join(REPO, 'tools', 'train.py'), leaf, '--work-dir', work_dir,
               '--data-root', data_root]
    if args.cfg_options_text:
        command += ['--cfg-options', *args.cfg_options_text]
    # keep any PYTHONPATH given (packages carried to the GPU machine as wheels); TOOLS for
    # the config's custom_imports of step_audit
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (REPO, TOOLS, os.environ.get('PYTHONPATH')) if p))
    if device.type == 'cpu':
        env['CUDA_VISIBLE_DEVICES'] = ''
    started = time.monotonic()
    try:
        proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=limit_s,
                              env=env)
    except subprocess.TimeoutExpired:
        return dict(status=f'stopped at its {limit_s:.0f} s limit', command=command)
    seconds = time.monotonic() - started
    with open(osp.join(out_dir, 'train_run.log'), 'w') as f:
        f.write(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ['no output']
        return dict(status=f'failed (exit {proc.returncode}): {tail[0]}', command=command,
                    log='train_run.log')
    records = read_train_scalars(work_dir)
    # Each record is mmengine's mean over the last --log-interval iterations.
    # The first epoch holds the workers' start, cudnn.benchmark's search and
    # the audited iteration: left out when there are more.
    epochs, per_epoch = train_epochs(args)
    skip = per_epoch if epochs > 1 else max(audit_iteration, 2 * args.log_interval)
    steady = [r for r in records if r['step'] > skip]
    if not steady:
        return dict(status=f'no time/data_time records after iteration {skip} in scalars.json',
                    command=command)
    data_time = statistics.fmean(r['data_time'] for r in steady)
    iteration_s = statistics.fmean(r['time'] for r in steady)
    audit_path = osp.join(work_dir, 'step_audit.json')
    audit = json.load(open(audit_path)) if osp.isfile(audit_path) else None
    return dict(status='ok', command=command, seconds=seconds, epochs=epochs,
                iterations=epochs * per_epoch, batch_size=args.batch_size,
                train_images=args.train_images,
                records_used=len(steady), skipped_iterations=skip,
                data_time_s=data_time, iteration_s=iteration_s,
                data_time_fraction=data_time / iteration_s,
                images_per_s=args.batch_size / iteration_s,
                epoch_s=(EPOCH_IMAGES // args.batch_size) * iteration_s,
                data_time_note='mmengine IterTimerHook data_time: the loader plus the hooks '
                'below NORMAL priority (the logger) between two iterations',
                loop_audit=audit, log='train_run.log')


# --------------------------------------------------------------------------- #
# Part: bf16 against fp32
@contextmanager
def strict_fp32():
    saved = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = saved


def compare_precision(args, device, out_dir: str, limit_s: float) -> dict:
    started = time.monotonic()
    leaf = gpu_aug_config(args.methods[0], out_dir)
    runners = {}
    for precision in ('fp32', 'bf16'):
        cfg = load_config(leaf, argparse.Namespace(**{**vars(args), 'precision': precision}))
        size = speed.find_image_size(cfg, args.image_size)
        # the same seed: the same initial weights and the same synthetic batch
        runners[precision] = speed.ModeRunner('clae', cfg, runner_args(args), device, size)
    initial = [p.detach().clone() for p in runners['fp32'].model.parameters()]
    losses = {'fp32': [], 'bf16': []}
    for step in range(args.precision_steps):
        for precision, runner in runners.items():
            torch.manual_seed(args.seed + step)  # the same views and attack starts
            with strict_fp32() if precision == 'fp32' else nullcontext():
                losses[precision].append(float(runner.step()))
        if time.monotonic() - started > limit_s:
            break
    fp32, bf16 = losses['fp32'], losses['bf16']
    differences = [abs(a - b) for a, b in zip(fp32, bf16)]

    def flat(runner):
        return torch.cat([p.detach().float().flatten() for p in runner.model.parameters()])
    moved = (flat(runners['fp32']) - torch.cat([p.float().flatten() for p in initial])).norm()
    apart = (flat(runners['bf16']) - flat(runners['fp32'])).norm()
    return dict(method=args.methods[0], steps=len(fp32), fp32_reference='float32, TF32 off',
                loss_fp32=fp32, loss_bf16=bf16, final_loss_fp32=fp32[-1], final_loss_bf16=bf16[-1],
                final_abs_difference=differences[-1],
                final_relative_difference=differences[-1] / max(abs(fp32[-1]), 1e-12),
                max_abs_difference=max(differences),
                fp32_loss_change=fp32[0] - fp32[-1],
                weights_apart_vs_moved=float(apart / moved) if moved > 0 else None,
                seconds=time.monotonic() - started)


# --------------------------------------------------------------------------- #
# Part: torch.compile of the encoder (run in its own process)
def compile_part(args, device, out_dir: str) -> dict:
    """Eager and compiled baseline/CLAE runners interleaved; the first steps
    of the compiled ones (compilation, one graph per BN route and momentum)
    are timed apart."""
    torch._dynamo.config.cache_size_limit = max(torch._dynamo.config.cache_size_limit, 64)
    cfg = load_config(gpu_aug_config(args.methods[0], out_dir), args)
    size = speed.find_image_size(cfg, args.image_size)
    runners = {}
    for mode in ('baseline', 'clae'):
        runners[mode] = speed.ModeRunner(mode, cfg, runner_args(args), device, size)
        compiled = speed.ModeRunner(mode, cfg, runner_args(args), device, size)
        compiled.compile(args.compile_backend)
        runners[f'{mode}_compiled'] = compiled
    started = time.monotonic()
    # attack_gain's forward that updates no BN statistic (every gain_interval
    # steps) is one more graph: compiled before the timing too.
    warmup_steps = max(args.warmup, cfg.default_hooks.adversarial.get('gain_interval', 10) + 1)
    for _ in range(warmup_steps):
        for runner in runners.values():
            runner.step()
    synchronize(device)
    compile_s = time.monotonic() - started
    records = speed.time_interleaved(runners, 0, max(3, args.iters // 2))
    medians = {name: statistics.median(r[0] for r in rec) for name, rec in records.items()}
    return dict(status='ok', backend=args.compile_backend, compile_and_warmup_s=compile_s,
                warmup_steps=warmup_steps,
                median_s=medians,
                speedup_baseline=speed.paired_ratio(records, 'baseline', 'baseline_compiled'),
                speedup_clae=speed.paired_ratio(records, 'clae', 'clae_compiled'),
                ratio_clae_vs_baseline_compiled=speed.paired_ratio(records, 'clae_compiled',
                                                                   'baseline_compiled'))


def run_compile(args, argv, device, out_dir: str, limit_s: float) -> dict:
    if args.compile == 'off':
        return dict(status='skipped: --compile off')
    if args.compile == 'auto' and device.type != 'cuda':
        return dict(status='skipped: --compile auto compiles on CUDA only (inductor on a small '
                    'CPU takes minutes); --compile on to force')
    if limit_s < 30:
        return dict(status=f'skipped: {limit_s:.0f} s of the budget left')
    result_file = osp.join(out_dir, 'compile.json')
    command = [sys.executable, osp.abspath(__file__), *argv, '--part', 'compile']
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=limit_s)
    except subprocess.TimeoutExpired:
        return dict(status=f'did not finish within its {limit_s:.0f} s limit (compilation '
                    'and timing together)', backend=args.compile_backend)
    with open(osp.join(out_dir, 'compile.log'), 'w') as f:
        f.write(proc.stdout + proc.stderr)
    if proc.returncode != 0 or not osp.isfile(result_file):
        lines = [l for l in proc.stderr.strip().splitlines() if l.strip()] or ['no output']
        return dict(status=f'failed: {lines[-1][:300]}', backend=args.compile_backend,
                    log='compile.log')
    with open(result_file) as f:
        return json.load(f)


# --------------------------------------------------------------------------- #
# Report
def targets(result: dict) -> list:
    """(target, measured, met) rows for issue 16's targets."""
    rows = []
    simclr = result['timing'].get('simclr')
    if simclr:
        ratio = simclr['ratio_clae_vs_baseline']
        rows.append(('CLAE-SimCLR / baseline step time <= 1.9', f'{ratio:.2f}',
                     ratio <= TARGET_RATIO))
        clae = simclr['modes']['clae']
        rows.append(('CLAE-SimCLR epoch (50,000 images) < 10 s on an H100/H200-class GPU',
                     f"{clae['epoch_s']:.1f} s (step timing)",
                     clae['epoch_s'] < TARGET_EPOCH_S if result['hopper_class'] else None))
    train = result.get('train') or {}
    if train.get('status') == 'ok':
        fraction = train['data_time_fraction']
        rows.append(('data time < 5 % of the iteration (real train.py loop)',
                     f'{100 * fraction:.1f} %', fraction < TARGET_DATA_FRACTION))
        rows.append(('CLAE-SimCLR epoch < 10 s, real loop (hooks, loader)',
                     f"{train['epoch_s']:.1f} s",
                     train['epoch_s'] < TARGET_EPOCH_S if result['hopper_class'] else None))
    return rows


def fmt(value, spec='.3f', none='-'):
    return none if value is None else format(value, spec)


def markdown(result: dict) -> str:
    peak = result['peak_bf16_tflops']
    lines = [f"# GPU check: {result['device']}", '',
             f"torch {result['torch']}, precision {result['precision']}, channels_last "
             f"{result['channels_last']}, cudnn.benchmark {result['cudnn_benchmark']}, batch "
             f"{result['batch_size']}; peak dense bf16 {fmt(peak, '.0f', 'unknown')} TFLOP/s; "
             f"{result['elapsed_s']:.0f} s of the {result['budget_s']:.0f} s budget.", '']
    rows = targets(result)
    if rows:
        lines += ['| target (issue 16) | measured | met |', '|---|---|---|']
        lines += [f'| {t} | {m} | {"n/a (not this GPU class)" if ok is None else ("yes" if ok else "NO")} |'
                  for t, m, ok in rows]
        lines.append('')
    if result['timing']:
        lines += ['| method | mode | step s | images/s | epoch s (50k) | GFLOP/step | TFLOP/s | '
                  '% of peak bf16 | bf16 FLOPs | host syncs/step | peak MiB |',
                  '|---|---|---|---|---|---|---|---|---|---|---|']
        for method, timing in result['timing'].items():
            for mode, m in timing['modes'].items():
                fraction = m['fraction_of_peak_bf16']
                peak_mib = m['peak_memory_bytes']
                lines.append(
                    f"| {method} | {mode} | {m['median_s']:.4f} | {m['images_per_s']:.0f} | "
                    f"{m['epoch_s']:.2f} | {m['gflop_per_iter']:.1f} | {m['achieved_tflops']:.2f} | "
                    f"{fmt(fraction and 100 * fraction, '.1f', 'unknown')} | "
                    f"{fmt(m['bf16_flop_fraction'] and 100 * m['bf16_flop_fraction'], '.0f')} % | "
                    f"{m['host_syncs_per_step']} | {fmt(peak_mib and peak_mib / 2**20, '.0f')} |")
            lines.append(f"| {method} | CLAE / baseline | time {timing['ratio_clae_vs_baseline']:.2f}x"
                         f" | | | FLOPs {timing['flop_ratio_clae_vs_baseline']:.2f}x | | | | | |")
        lines.append('')
    train = result.get('train')
    if train:
        if train.get('status') == 'ok':
            audit = train.get('loop_audit') or {}
            lines += [f"Train run (tools/train.py, CLAE-SimCLR *_gpu_aug, {train['iterations']} "
                      f"iterations of {train['batch_size']} on {train['train_images']} synthetic "
                      f"images): {train['iteration_s']:.4f} s/iteration, data time "
                      f"{train['data_time_s']:.4f} s ({100 * train['data_time_fraction']:.1f} %), "
                      f"{train['images_per_s']:.0f} images/s, epoch {train['epoch_s']:.1f} s "
                      f"(iterations after {train['skipped_iterations']}); loop iteration / bare "
                      f"CLAE step {fmt(train.get('iteration_vs_bare_step'), '.2f')}x."]
            if audit:
                lines.append(f"One loop iteration ({audit['iteration']}) audited: "
                             f"{audit['host_syncs']} host synchronisation(s), "
                             f"{fmt(audit['low_precision_fraction'] and 100 * audit['low_precision_fraction'], '.0f')} % "
                             'of the FLOPs in bf16:')
                lines += [f'- {site}: {count}' for site, count in audit['host_sync_sites'].items()]
        else:
            lines.append(f"Train run: {train['status']}")
        lines.append('')
    precision = result.get('bf16_vs_fp32')
    if precision:
        lines.append(f"bf16 vs fp32 ({precision['method']}, CLAE, {precision['steps']} steps from the "
                     f"same weights and data, fp32 = {precision['fp32_reference']}): final loss "
                     f"{precision['final_loss_bf16']:.4f} vs {precision['final_loss_fp32']:.4f} "
                     f"(|diff| {precision['final_abs_difference']:.2e}, relative "
                     f"{precision['final_relative_difference']:.2e}, max over steps "
                     f"{precision['max_abs_difference']:.2e}; the fp32 loss moved "
                     f"{precision['fp32_loss_change']:.3f}); weights apart / weights moved "
                     f"{fmt(precision['weights_apart_vs_moved'])}.")
        lines.append('')
    compiled = result.get('compile')
    if compiled:
        if compiled.get('status') == 'ok':
            lines.append(f"torch.compile ({compiled['backend']}) of the encoder: compile + "
                         f"{compiled['warmup_steps']} warm-up steps "
                         f"{compiled['compile_and_warmup_s']:.0f} s; eager / compiled "
                         f"step time: baseline {compiled['speedup_baseline']:.2f}x, CLAE "
                         f"{compiled['speedup_clae']:.2f}x; compiled CLAE / baseline "
                         f"{compiled['ratio_clae_vs_baseline_compiled']:.2f}x.")
        else:
            lines.append(f"torch.compile: {compiled['status']}")
        lines.append('')
    for part, reason in result['skipped'].items():
        lines.append(f'- {part} skipped: {reason}')
    for part, error in result['failed'].items():
        lines.append(f'- {part} FAILED: {error} (traceback in errors.log)')
    return '\n'.join(lines).rstrip() + '\n'


def write(result: dict, out_dir: str, started: float) -> None:
    result['elapsed_s'] = time.monotonic() - started
    with open(osp.join(out_dir, 'gpu_check.json'), 'w') as f:
        json.dump(result, f, indent=2)
    with open(osp.join(out_dir, 'gpu_check.md'), 'w') as f:
        f.write(markdown(result))


# --------------------------------------------------------------------------- #
def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    register_all_modules()
    MMLogger.get_instance('gpu_check', log_level='WARNING')
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device or ('cuda' if torch.cuda.is_available() else 'cpu'))
    return exit_code(lambda: check_or_compile(args, argv, device))


def check_or_compile(args, argv, device) -> int:
    if device.type == 'cuda' and not torch.cuda.is_available():
        raise CLAEError('--device cuda but no CUDA device is visible: use --device cpu')
    if device.type == 'cuda':
        torch.backends.cudnn.benchmark = True
    os.makedirs(args.out_dir, exist_ok=True)
    out_dir = osp.abspath(args.out_dir)
    if args.part == 'compile':
        result = compile_part(args, device, out_dir)
        with open(osp.join(out_dir, 'compile.json'), 'w') as f:
            json.dump(result, f, indent=2)
        return 0
    return check(args, argv, device, out_dir)


def check(args, argv, device, out_dir: str) -> int:
    started = time.monotonic()
    budget = Budget(args.budget_s)
    name = speed.describe_device(device)
    peak = args.peak_tflops or (peak_bf16_tflops(name) if device.type == 'cuda' else None)
    result = dict(device=name, device_type=device.type, torch=torch.__version__,
                  hopper_class=bool(device.type == 'cuda' and HOPPER_CLASS.search(name)),
                  peak_bf16_tflops=peak,
                  peak_source='--peak-tflops' if args.peak_tflops else (
                      'datasheet table (dense bf16)' if peak else 'unknown'),
                  precision=args.precision, channels_last=args.channels_last,
                  cudnn_benchmark=torch.backends.cudnn.benchmark, batch_size=args.batch_size,
                  budget_s=args.budget_s, part_limits_s=PART_LIMITS, timing={}, skipped={},
                  failed={})

    def run_part(label: str, function, *part_args):
        """Run one part; a failure is recorded (one line here, the traceback in
        errors.log) and the next part still runs: a GPU run has to count."""
        try:
            return function(*part_args)
        except Exception as exc:  # noqa: BLE001 -- any failure of one part
            result['failed'][label] = f'{type(exc).__name__}: {exc}'.splitlines()[0][:300]
            with open(osp.join(out_dir, 'errors.log'), 'a') as f:
                f.write(f'--- {label}\n{traceback.format_exc()}\n')
            return None
        finally:
            write(result, out_dir, started)
            print(f'[gpu_check] {label} done at {time.monotonic() - started:.0f} s',
                  file=sys.stderr, flush=True)

    first = args.methods[0]
    timing = run_part(f'timing {first}', time_method, first, args, device, out_dir,
                      budget.limit(f'timing_{first}'), peak)
    if timing:
        result['timing'][first] = timing

    def train_on_synthetic_cifar():
        with tempfile.TemporaryDirectory(prefix='gpu_check_cifar_') as data_root:
            write_synthetic_cifar(data_root, num_per_file=-(-args.train_images // 5),
                                  seed=args.seed)
            train = train_run(args, device, out_dir, data_root, budget.limit('train'))
        if train.get('status') == 'ok' and 'simclr' in result['timing']:
            # What the loop adds to the bare step (hooks, logging, loading, and
            # the syncs that keep the host from queueing the next step early).
            step_s = result['timing']['simclr']['modes']['clae']['median_s']
            train['iteration_vs_bare_step'] = train['iteration_s'] / step_s
        result['train'] = train

    run_part('train run', train_on_synthetic_cifar)
    result['bf16_vs_fp32'] = run_part('bf16 vs fp32', compare_precision, args, device, out_dir,
                                      budget.limit('precision'))
    for method in args.methods[1:]:
        limit = budget.limit(f'timing_{method}')
        if limit < PART_LIMITS[f'timing_{method}'] / 2:
            result['skipped'][f'timing {method}'] = f'{budget.left():.0f} s of the budget left'
            continue
        timing = run_part(f'timing {method}', time_method, method, args, device, out_dir, limit,
                          peak)
        if timing:
            result['timing'][method] = timing
    result['compile'] = run_part('compile', run_compile, args, argv, device, out_dir,
                                 budget.limit('compile'))
    write(result, out_dir, started)
    print(markdown(result))
    print(f'results written to {osp.join(out_dir, "gpu_check.json")} and gpu_check.md')
    return 1 if result['failed'] else 0


if __name__ == '__main__':
    sys.exit(main())
