"""Time CLAE training iterations against the baseline and the authors' schedule.

    python tools/benchmarks/speed.py CONFIG [--iters 20] [--warmup 3] [--batch-size B]
        [--device cpu|cuda] [--amp] [--channels-last] [--compile] [--image-size S]
        [--modes ...] [--peak-tflops T] [--no-malloc-tuning] [--threads N]
        [--cfg-options ...] [--out FILE]
    python tools/benchmarks/speed.py CONFIG --evaluation [--bank-size 50000]
        [--query-size 10000] [--probe-epochs E] [--device ...] [--out FILE]

Three copies of the config's model (same initial weights) are trained on one
synthetic batch of the config's image size: random uint8 images in the
layout the config's data preprocessor takes (two views per image, or one image
for the on-device augmentation), so every iteration is a real training step:
data preprocessor, ``model.loss``, backward and optimizer step.

* ``baseline``: no adversary, what ContrastiveAdversarialHook hands the model
  when eps = 0;
* ``clae``: the adversary the config's hook sets each iteration, with
  ``schedule='fast'`` (the default);
* ``reference``: the same adversary with ``schedule='reference'`` (the
  authors' passes: query and key attack forwards with a full backward into the
  parameters, Plain's clean anchor forwarded again).

Timing on a shared machine misleads unless it is paired: the modes alternate
iteration by iteration in one process (the order rotates every round), after
``--warmup`` rounds, for ``--iters`` timed rounds. A ratio is the median of the
per-round ratios. Forwards and backwards are counted with hooks on the
backbone: a forward per backbone call, a backward per backbone output a
gradient reached, a parameter backward per backward pass that produced the
stem weight's gradient. FLOPs per iteration (matmuls and convolutions,
forward and backward) are counted with torch's FLOP formulas in one extra,
untimed iteration per mode. On a CPU the timed process keeps freed memory in
glibc's heap, as ``tools/train.py`` does (``--no-malloc-tuning``: glibc's
defaults, whose page-fault churn shows in the kernel-time column).

Peak memory is measured per mode in a fresh process: one step (so the
optimizer state exists), then ``--memory-iters`` measured steps. On CUDA it is
``torch.cuda.max_memory_allocated``; on the CPU the peak resident set of the
measured steps (the kernel's VmHWM, reset after the first step) minus the
resident set before the model was built, with glibc's mmap threshold fixed so
that freed activations leave the resident set at once. Both hold the
parameters, gradients, optimizer state and the activations at their peak.

``--evaluation`` times the evaluation instead: the kNN classifier and the
linear probe of the config's ``evaluation`` settings, on random features of
the encoder's dimensions and CIFAR's sizes (a 50,000 bank, 10,000 queries).
"""
import argparse
import copy
import json
import os
import os.path as osp
import resource
import statistics
import subprocess
import sys
import time

import torch
from mmengine.config import Config, DictAction
from mmengine.logging import MessageHub, MMLogger
from mmengine.optim import build_optim_wrapper
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.flop_counter import flop_registry

from clae_mm.engine.optimizers import mixed_precision_optim_wrapper
from clae_mm.evaluation.provenance import cpu_model
from clae_mm.engine.optimizers.mixed_precision import describe_mixed_precision
from clae_mm.models.selfsup.adversarial_training import AdversarialTrainingMixin
from clae_mm.registry import HOOKS, MODELS
from clae_mm.utils import CLAEError, keep_freed_memory_in_heap, register_all_modules
from clae_mm.utils.cfg_options import load_config as read_config
from clae_mm.utils.cfg_options import merge_cfg_options
from clae_mm.utils.errors import exit_code
from clae_mm.utils.training_settings import training_image_size

MODES = ('baseline', 'clae', 'reference')
# The training length published to the models that read it (a CosineEMA's
# momentum schedule); it changes no step's cost.
PROGRESS_MAX_ITERS = 10**6


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Time CLAE training iterations against the '
                                     'baseline (eps=0) and the authors\' schedule')
    parser.add_argument('config', help='a CLAE training config (configs/clae/... or '
                        'configs/fashion_mnist/..., Plain/UEL/SimCLR or the zoo\'s MoCo v2, BYOL, '
                        'SimSiam, Barlow Twins)')
    parser.add_argument('--iters', type=int, default=20, help='timed iterations per mode')
    parser.add_argument('--warmup', type=int, default=3, help='untimed rounds first')
    parser.add_argument('--batch-size', type=int, help='images per iteration '
                        '(default: the config\'s train_dataloader.batch_size)')
    parser.add_argument('--image-size', type=int, help='side of the views (default: '
                        'the crop size of the config\'s training augmentation)')
    parser.add_argument('--device', choices=['cpu', 'cuda'],
                        help='default: cuda when available')
    parser.add_argument('--amp', action='store_true', help='mixed precision as tools/train.py '
                        '--amp: bfloat16 autocast without a loss scale (AutocastOptimWrapper) on '
                        'the CPU and on GPUs with bf16, float16 with a dynamic loss scale '
                        '(AmpOptimWrapper) on older GPUs')
    parser.add_argument('--channels-last', action='store_true',
                        help='model and inputs in channels_last memory format')
    parser.add_argument('--compile', action='store_true',
                        help='torch.compile the backbone and the neck')
    parser.add_argument('--modes', nargs='+', choices=MODES, default=list(MODES),
                        help='modes to time (all three for the ratios)')
    parser.add_argument('--memory-iters', type=int, default=2,
                        help='iterations of each fresh memory-probe process (0: no probe)')
    parser.add_argument('--peak-tflops', type=float, help='the device\'s peak TFLOP/s in the '
                        'timed precision, to report the achieved fraction')
    parser.add_argument('--no-malloc-tuning', dest='malloc_tuning', action='store_false',
                        help='CPU: keep glibc\'s default allocator thresholds. By default '
                        'freed memory stays in the heap (fixed 32 MiB mmap threshold, no '
                        'trimming) as in tools/train.py (env_cfg.cpu_malloc_tuning), so '
                        'activations are not page-faulted in anew every iteration')
    parser.add_argument('--threads', type=int, help='torch CPU threads (default: torch\'s)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override settings in the config, key=value')
    parser.add_argument('--out', help='write the results as JSON to this file')
    parser.add_argument('--evaluation', action='store_true',
                        help='time the evaluation instead: kNN and the linear probe of the '
                        'config\'s evaluation settings on random features of the encoder\'s size')
    parser.add_argument('--bank-size', type=int, default=50000, help='--evaluation: bank and '
                        'probe training features (CIFAR\'s train split)')
    parser.add_argument('--query-size', type=int, default=10000,
                        help='--evaluation: kNN queries (CIFAR\'s test split)')
    parser.add_argument('--num-classes', type=int, default=10, help='--evaluation: classes')
    parser.add_argument('--probe-epochs', type=int,
                        help='--evaluation: probe epochs (default: the config\'s, 1000)')
    parser.add_argument('--memory-probe', choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.iters < 1 or args.warmup < 0 or args.memory_iters < 0:
        parser.error('--iters must be >= 1, --warmup and --memory-iters >= 0')
    return args


# --------------------------------------------------------------------------- #
# Configuration
def load_config(args) -> Config:
    cfg = merge_cfg_options(read_config(args.config), args.cfg_options)
    model_class = MODELS.get(cfg.get('model', {}).get('type'))
    if not (isinstance(model_class, type) and issubclass(model_class, AdversarialTrainingMixin)):
        raise CLAEError(f'{args.config} does not build a CLAE model (CLAE, or a CLAE variant of '
                        'the self-supervised zoo: CLAEMoCo, CLAEBYOL, CLAESimSiam, '
                        'CLAEBarlowTwins): benchmark a configs/clae/ config')
    if 'adversarial' not in cfg.get('default_hooks', {}):
        raise CLAEError(f'{args.config} has no default_hooks.adversarial '
                        '(ContrastiveAdversarialHook): benchmark a configs/clae/ config')
    adversarial_hook(cfg)  # refuse a baseline config before building anything
    return cfg


def find_image_size(cfg: Config, override=None) -> int:
    """``override`` (--image-size), else the side of the config's training views."""
    size = override or training_image_size(cfg)
    if not size:
        raise CLAEError('cannot find the training image size in the config: pass --image-size')
    return size


def adversarial_hook(cfg: Config):
    hook = HOOKS.build(copy.deepcopy(cfg.default_hooks.adversarial))
    if hook.adversary_at(10**9) is None:
        raise CLAEError('the config\'s adversarial hook has eps=0 or alpha=0 (a baseline config): '
                        'benchmark the CLAE config, the baseline is timed alongside it')
    return hook


# --------------------------------------------------------------------------- #
# One mode: a model, its optimizer, its adversary schedule and its pass counts
class PassCounter:
    """Counts backbone forwards, backbone backwards and parameter backwards."""

    def __init__(self, model):
        self.forwards = self.backwards = self.parameter_backwards = 0
        stem_weight = next(p for p in model.backbone.parameters() if p.requires_grad)
        self.handles = [model.backbone.register_forward_hook(self._on_forward),
                        stem_weight.register_hook(self._on_parameter_backward)]

    def remove(self):
        for handle in self.handles:
            handle.remove()

    def _on_forward(self, module, args, output):
        self.forwards += 1
        outputs = output if isinstance(output, (tuple, list)) else (output,)
        tensor = next((o for o in outputs if torch.is_tensor(o) and o.requires_grad), None)
        if tensor is not None:
            tensor.register_hook(self._on_backward)

    def _on_backward(self, grad):
        self.backwards += 1

    def _on_parameter_backward(self, grad):
        self.parameter_backwards += 1

    def snapshot(self):
        return (self.forwards, self.backwards, self.parameter_backwards)


def synthetic_batch(model, batch_size: int, size: int, seed: int) -> dict:
    """Random uint8 images in the layout the model's data preprocessor takes."""
    g = torch.Generator().manual_seed(seed)

    def images():
        return torch.randint(0, 256, (batch_size, 3, size, size), generator=g, dtype=torch.uint8)

    if getattr(model.data_preprocessor, 'takes_single_images', False):
        return dict(inputs=images(), data_samples=None)
    return dict(inputs=[images(), images()], data_samples=None)


class ModeRunner:
    """Training steps of one benchmark mode, exactly as ``BaseModel.train_step``
    runs them, with the adversary set as the hook sets it before each step."""

    def __init__(self, mode: str, cfg: Config, args, device: torch.device, size: int):
        self.mode = mode
        self.device = device
        self.channels_last = args.channels_last
        model_cfg = copy.deepcopy(cfg.model)
        model_cfg.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
        model_cfg['schedule'] = 'reference' if mode == 'reference' else 'fast'
        torch.manual_seed(args.seed)  # the same initial weights in every mode
        model = MODELS.build(model_cfg)
        model.init_weights()
        model.to(device).train()
        if args.channels_last:
            model.to(memory_format=torch.channels_last)
        self.model = model
        self.hook = adversarial_hook(cfg) if mode != 'baseline' else None
        optim_cfg = copy.deepcopy(cfg.optim_wrapper)
        if args.amp:
            optim_cfg = mixed_precision_optim_wrapper(optim_cfg, device.type)
        self.optim_wrapper = build_optim_wrapper(model, optim_cfg)
        self.batch = synthetic_batch(model, args.batch_size, size, args.seed)
        self.counter = PassCounter(model)
        self.iteration = 0

    def compile(self, backend: str = 'inductor'):
        # The reference schedule backpropagates the attack with retain_graph=True,
        # which compiled backwards with donated buffers refuse.
        torch._functorch.config.donated_buffer = False
        self.counter.remove()
        self.model.backbone = torch.compile(self.model.backbone, backend=backend)
        self.model.neck = torch.compile(self.model.neck, backend=backend)
        self.counter = PassCounter(self.model)

    def step(self) -> torch.Tensor:
        """One training step; returns its total loss (detached, on the device)."""
        model = self.model
        model.adversary = self.hook.adversary_at(self.iteration) if self.hook else None
        # The training progress the runner publishes: BYOL's CosineEMA reads it.
        message_hub = MessageHub.get_current_instance()
        message_hub.update_info('iter', self.iteration)
        message_hub.update_info('max_iters', PROGRESS_MAX_ITERS)
        with self.optim_wrapper.optim_context(model):
            data = model.data_preprocessor(self.batch, True)
            inputs = data['inputs']
            if self.channels_last:
                inputs = [v.contiguous(memory_format=torch.channels_last) for v in inputs]
            losses = model.loss(inputs, data['data_samples'])
        loss, _ = model.parse_losses(losses)
        self.optim_wrapper.update_params(loss)
        self.iteration += 1
        return loss.detach()

    def timed_step(self):
        """(seconds, forwards, backwards, parameter backwards, system seconds,
        minor page faults) of one step."""
        before = self.counter.snapshot()
        synchronize(self.device)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        start = time.perf_counter()
        self.step()
        synchronize(self.device)
        seconds = time.perf_counter() - start
        usage_after = resource.getrusage(resource.RUSAGE_SELF)
        after = self.counter.snapshot()
        return (seconds, *(a - b for a, b in zip(after, before)),
                usage_after.ru_stime - usage.ru_stime, usage_after.ru_minflt - usage.ru_minflt)

    def count_flops(self) -> int:
        with FlopCount() as counter:
            self.step()
        return counter.flops


class FlopCount(TorchDispatchMode):
    """FLOPs of the matmuls and convolutions run inside the block, by torch's
    formulas (``flop_registry``). torch's own FlopCounterMode tracks modules
    with hooks that ``torch.autograd.grad`` (the attack) does not support."""

    def __init__(self):
        super().__init__()
        self.flops = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        formula = flop_registry.get(func._overloadpacket)
        if formula is not None:
            self.flops += formula(*args, **kwargs, out_val=out)
        return out


def synchronize(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


# --------------------------------------------------------------------------- #
# Timing, interleaved
def time_interleaved(runners: dict, warmup: int, iters: int) -> dict:
    """Alternate one step of every mode per round, rotating the order."""
    names = list(runners)
    records = {name: [] for name in names}
    for round_index in range(warmup + iters):
        shift = round_index % len(names)
        times = {}
        for name in names[shift:] + names[:shift]:
            record = runners[name].timed_step()
            times[name] = record[0]
            if round_index >= warmup:
                records[name].append(record)
        print(f'{round_label(round_index, warmup, iters)}: ' +
              ', '.join(f'{name} {times[name]:.3f}s' for name in names), file=sys.stderr, flush=True)
    return records


def round_label(round_index: int, warmup: int, iters: int) -> str:
    """'warm-up round i/warmup' or 'timed round j/iters' for the 0-based
    ``round_index`` of the warmup + iters rounds: each kind counts its own."""
    if round_index < warmup:
        return f'warm-up round {round_index + 1}/{warmup}'
    return f'timed round {round_index - warmup + 1}/{iters}'


def paired_ratio(records: dict, numerator: str, denominator: str):
    if numerator not in records or denominator not in records:
        return None
    ratios = [a[0] / b[0] for a, b in zip(records[numerator], records[denominator])]
    return statistics.median(ratios)


def summarise_mode(records: list, batch_size: int) -> dict:
    times = [r[0] for r in records]
    median = statistics.median(times)
    return dict(
        median_s=median, mean_s=statistics.fmean(times), min_s=min(times), max_s=max(times),
        images_per_s=batch_size / median,
        forwards_per_iter=statistics.median(r[1] for r in records),
        backwards_per_iter=statistics.median(r[2] for r in records),
        parameter_backwards_per_iter=statistics.median(r[3] for r in records),
        # The process's kernel time and page faults while the step ran: allocator
        # churn (freed memory returned to the kernel, faulted in again) shows here.
        system_s=statistics.median(r[4] for r in records),
        minor_page_faults=statistics.median(r[5] for r in records),
        times_s=times)


# --------------------------------------------------------------------------- #
# Peak memory, one fresh process per mode
def current_rss_bytes() -> int:
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')


def reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) to the current RSS (Linux >= 4.0)."""
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')
        return True
    except OSError:
        return False


def peak_rss_bytes() -> int:
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def load_cpu_kernels() -> None:
    """Run a small convolution forward and backward, so that the RSS baseline
    already holds the math libraries' code and per-thread buffers."""
    x = torch.randn(2, 3, 8, 8, requires_grad=True)
    conv = torch.nn.Conv2d(3, 4, 3)
    torch.nn.functional.relu(torch.nn.functional.batch_norm(conv(x), None, None, training=True)).sum().backward()


def memory_probe(args, cfg, device, size) -> dict:
    """Run in a fresh process: build one mode, take a first step (optimizer
    state), then report the peak memory of ``--memory-iters`` more steps."""
    if device.type == 'cuda':
        torch.cuda.reset_peak_memory_stats(device)
    else:
        load_cpu_kernels()
    rss_before = current_rss_bytes()
    runner = ModeRunner(args.memory_probe, cfg, args, device, size)
    if args.compile:
        runner.compile()
    runner.step()
    exact_window = device.type == 'cpu' and reset_peak_rss()
    for _ in range(args.memory_iters):
        runner.step()
    synchronize(device)
    if device.type == 'cuda':
        return dict(peak_bytes=torch.cuda.max_memory_allocated(device),
                    method='torch.cuda.max_memory_allocated')
    method = ('peak RSS of the measured steps (VmHWM, reset after the first step) minus the RSS '
              'before the model was built; glibc mmap threshold fixed at '
              f"{os.environ.get('MALLOC_MMAP_THRESHOLD_', 'its default')} bytes")
    if not exact_window:
        method = 'peak RSS of the process (ru_maxrss) minus the RSS before the model was built'
    return dict(peak_bytes=peak_rss_bytes() - rss_before, method=method)


# A fixed mmap threshold also turns off glibc's dynamic one, so a freed
# activation (>= 64 KiB) leaves the resident set at once and RSS follows the
# tensors alive, as the CUDA allocator's counter does.
PROBE_ENV = {'MALLOC_MMAP_THRESHOLD_': '65536'}


def measure_memory(mode: str, argv: list) -> dict:
    command = [sys.executable, osp.abspath(__file__), *argv, '--memory-probe', mode]
    proc = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **PROBE_ENV})
    if proc.returncode != 0:
        raise RuntimeError(f'memory probe of {mode} failed:\n{proc.stderr[-3000:]}')
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- #
# Evaluation: kNN and the linear probe on cached (here random) features
def time_evaluation(args, cfg, device, size) -> dict:
    from clae_mm.evaluation.evaluation_settings import evaluation_settings
    from clae_mm.evaluation.knn import knn_accuracy
    from clae_mm.evaluation.linear_probe import train_linear_probe
    knn = evaluation_settings(cfg, 'knn')
    linear = evaluation_settings(cfg, 'linear', epochs=args.probe_epochs)
    model_cfg = copy.deepcopy(cfg.model)
    model_cfg.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    model = MODELS.build(model_cfg).eval()
    with torch.no_grad():
        dims = {stage: model.extract_feat(torch.zeros(2, 3, size, size), stage=stage).shape[1]
                for stage in ('backbone', 'embedding')}
    g = torch.Generator().manual_seed(args.seed)

    def features(n, stage):
        return (torch.randn(n, dims[stage], generator=g).to(device),
                torch.randint(0, args.num_classes, (n,), generator=g).to(device))

    bank, bank_labels = features(args.bank_size, knn['stage'])
    query, query_labels = features(args.query_size, knn['stage'])
    synchronize(device)
    start = time.perf_counter()
    knn_accuracy(bank, bank_labels, query, query_labels, args.num_classes, k=knn['k'],
                 sigma=knn['sigma'])
    synchronize(device)
    knn_seconds = time.perf_counter() - start

    train, train_labels = features(args.bank_size, linear['stage'])
    start = time.perf_counter()
    train_linear_probe(train, train_labels, args.num_classes, epochs=linear['epochs'],
                       batch_size=linear['batch_size'], lr=linear['lr'],
                       weight_decay=linear['weight_decay'], seed=args.seed, device=device)
    synchronize(device)
    probe_seconds = time.perf_counter() - start
    return dict(
        config=args.config, device=describe_device(device), device_type=device.type,
        torch=torch.__version__, evaluation=True, num_classes=args.num_classes,
        knn=dict(seconds=knn_seconds, bank=args.bank_size, queries=args.query_size,
                 dim=dims[knn['stage']], stage=knn['stage'], k=knn['k']),
        linear_probe=dict(seconds=probe_seconds, samples=args.bank_size, dim=dims[linear['stage']],
                          stage=linear['stage'], epochs=linear['epochs'],
                          batch_size=linear['batch_size'],
                          seconds_per_epoch=probe_seconds / max(linear['epochs'], 1)))


def format_evaluation(result: dict) -> str:
    knn, probe = result['knn'], result['linear_probe']
    return '\n'.join([
        f"{result['config']} | {result['device']} | random features, {result['num_classes']} classes",
        f"kNN (k={knn['k']}, {knn['dim']}-d {knn['stage']}): {knn['bank']} x {knn['queries']} "
        f"in {knn['seconds']:.2f} s",
        f"linear probe ({probe['dim']}-d {probe['stage']}, {probe['samples']} samples, batch "
        f"{probe['batch_size']}): {probe['epochs']} epochs in {probe['seconds']:.1f} s "
        f"({probe['seconds_per_epoch']:.3f} s/epoch)"])


# --------------------------------------------------------------------------- #
def describe_device(device: torch.device) -> str:
    if device.type == 'cuda':
        return torch.cuda.get_device_name(device)
    return f'{cpu_model()} ({os.cpu_count()} logical CPUs, {torch.get_num_threads()} torch threads)'


def run(args, argv) -> dict:
    cfg = load_config(args)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device or ('cuda' if torch.cuda.is_available() else 'cpu'))
    if device.type == 'cuda' and not torch.cuda.is_available():
        raise CLAEError('--device cuda but no CUDA device is visible: use --device cpu')
    if args.compile:  # a graph per BN route and per BN momentum the schedule sets
        torch._dynamo.config.cache_size_limit = max(torch._dynamo.config.cache_size_limit, 64)
    if device.type == 'cuda':
        torch.backends.cudnn.benchmark = True
    args.batch_size = args.batch_size or cfg.train_dataloader.batch_size
    size = find_image_size(cfg, args.image_size)
    if args.memory_probe:
        return memory_probe(args, cfg, device, size)
    malloc_tuned = args.malloc_tuning and device.type == 'cpu' and keep_freed_memory_in_heap()
    if args.evaluation:
        return time_evaluation(args, cfg, device, size)

    runners = {mode: ModeRunner(mode, cfg, args, device, size) for mode in args.modes}
    # FLOPs of one eager iteration of each mode (untimed; not under torch.compile).
    flops = {mode: runner.count_flops() for mode, runner in runners.items()}
    if args.compile:
        for runner in runners.values():
            runner.compile()
    records = time_interleaved(runners, args.warmup, args.iters)

    modes = {}
    for mode in args.modes:
        summary = summarise_mode(records[mode], args.batch_size)
        summary['gflop_per_iter'] = flops[mode] / 1e9
        summary['achieved_tflops'] = flops[mode] / summary['median_s'] / 1e12
        if args.peak_tflops:
            summary['fraction_of_peak'] = summary['achieved_tflops'] / args.peak_tflops
        if args.memory_iters:
            probe = measure_memory(mode, argv)
            summary['peak_memory_bytes'] = probe['peak_bytes']
            summary['peak_memory_method'] = probe['method']
        modes[mode] = summary

    def ratio_of(key, a, b):
        if a in modes and b in modes and key in modes[a] and modes[b].get(key):
            return modes[a][key] / modes[b][key]
        return None

    return dict(
        config=args.config, device=describe_device(device), device_type=device.type,
        torch=torch.__version__, batch_size=args.batch_size, image_size=size,
        iters=args.iters, warmup=args.warmup, amp=args.amp,
        precision=describe_mixed_precision(device.type) if args.amp else 'float32',
        channels_last=args.channels_last,
        compile=args.compile, interleaved=True, method=cfg.model.head.get('method'),
        threads=torch.get_num_threads(), malloc_tuning=malloc_tuned,
        ratio_clae_vs_baseline=paired_ratio(records, 'clae', 'baseline'),
        ratio_reference_vs_clae=paired_ratio(records, 'reference', 'clae'),
        ratio_reference_vs_baseline=paired_ratio(records, 'reference', 'baseline'),
        ratio_peak_mem_clae_vs_baseline=ratio_of('peak_memory_bytes', 'clae', 'baseline'),
        flop_ratio_clae_vs_baseline=ratio_of('gflop_per_iter', 'clae', 'baseline'),
        flop_ratio_reference_vs_clae=ratio_of('gflop_per_iter', 'reference', 'clae'),
        modes=modes)


def format_table(result: dict) -> str:
    rows = [f"{result['config']} | {result['device']} | batch {result['batch_size']} | "
            f"{result['image_size']}px | {result['precision']} | channels_last="
            f"{result['channels_last']} compile={result['compile']} "
            f"malloc_tuning={result['malloc_tuning']} | "
            f"{result['iters']} interleaved iterations per mode",
            f"{'mode':<10} {'median s/it':>11} {'images/s':>9} {'peak MiB':>9} "
            f"{'fwd':>4} {'bwd':>4} {'param bwd':>9} {'GFLOP/it':>9} {'sys s/it':>8}"]
    for mode, m in result['modes'].items():
        peak = m.get('peak_memory_bytes')
        peak = f'{peak / 2**20:9.0f}' if peak is not None else f"{'-':>9}"
        rows.append(f"{mode:<10} {m['median_s']:11.3f} {m['images_per_s']:9.1f} {peak} "
                    f"{m['forwards_per_iter']:4g} {m['backwards_per_iter']:4g} "
                    f"{m['parameter_backwards_per_iter']:9g} {m['gflop_per_iter']:9.1f} "
                    f"{m['system_s']:8.2f}")
    for key, label in (('ratio_clae_vs_baseline', 'time CLAE / baseline'),
                       ('ratio_reference_vs_clae', 'time reference / CLAE'),
                       ('ratio_peak_mem_clae_vs_baseline', 'peak memory CLAE / baseline'),
                       ('flop_ratio_clae_vs_baseline', 'FLOPs CLAE / baseline'),
                       ('flop_ratio_reference_vs_clae', 'FLOPs reference / CLAE')):
        if result.get(key) is not None:
            rows.append(f'{label:<28} {result[key]:.3f}')
    return '\n'.join(rows)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    register_all_modules()
    # Quiet the per-parameter init_weights report of the three models.
    MMLogger.get_instance('speed_benchmark', log_level='WARNING')
    return exit_code(lambda: run_and_report(args, argv))


def run_and_report(args, argv) -> None:
    result = run(args, argv)
    if args.memory_probe:
        print(json.dumps(result))
        return
    print(format_evaluation(result) if args.evaluation else format_table(result))
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            json.dump(result, f, indent=2)
        print(f'results written to {args.out}')


if __name__ == '__main__':
    sys.exit(main())
