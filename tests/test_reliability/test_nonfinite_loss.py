"""A NaN/Inf loss stops training at once (or the step is skipped), never silently."""
import glob
import os
import os.path as osp
from datetime import timedelta
from types import SimpleNamespace

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.optim import build_optim_wrapper
from mmengine.runner import Runner

from clae_mm.engine.hooks import NonFiniteLossHook
from clae_mm.engine.hooks.nonfinite_loss_hook import NonFiniteLossError
from clae_mm.models.utils import AdversarialAugmentation
from clae_mm.registry import MODEL_WRAPPERS, MODELS
from clae_mm.utils import CLAEError, register_all_modules
from tests.conftest import TINY_ENCODER
from .conftest import CONFIG, load_train_tool, train_args
from .test_distributed_failure import free_port


class BreakInputsAt(Hook):
    """Zero the preprocessor's std at the given iterations (1-based): the
    normalised images become +-inf, activations and the loss NaN, and the
    forward poisons the BN running statistics, as a real divergence does."""

    priority = 'LOWEST'  # records after NonFiniteLossHook has acted

    def __init__(self, iterations):
        self.iterations = set(iterations)
        self.parameters_after = {}

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        self.std = runner.model.data_preprocessor.std.clone()
        if runner.iter + 1 in self.iterations:
            runner.model.data_preprocessor.std.zero_()

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        runner.model.data_preprocessor.std.copy_(self.std)
        self.parameters_after[runner.iter + 1] = {
            k: v.detach().clone() for k, v in runner.model.state_dict().items()}


# These runs are about the training steps: no kNN validation after each epoch.
NO_VALIDATION = ('default_hooks.knn=None', 'val_cfg=None', 'val_dataloader=None',
                 'val_evaluator=None')


def build_runner(train_tool, work_dir, data_root, *options):
    args = train_tool.parse_args(
        train_args(work_dir, data_root, 'train_cfg.max_epochs=2', *NO_VALIDATION, *options))
    register_all_modules()
    return Runner.from_cfg(train_tool.merge_args(Config.fromfile(args.config), args))


def nonfinite_hook(runner) -> NonFiniteLossHook:
    (hook,) = [h for h in runner.hooks if isinstance(h, NonFiniteLossHook)]
    return hook


def test_stops_at_the_first_nonfinite_loss(train_tool, tmp_path, cifar10_root):
    work_dir = str(tmp_path)
    runner = build_runner(train_tool, work_dir, cifar10_root)
    breaker = BreakInputsAt([7])
    runner.register_hook(breaker)
    with pytest.raises(NonFiniteLossError) as info:
        runner.train()
    message = str(info.value)
    assert isinstance(info.value, CLAEError) and '\n' not in message  # tools print 'error: ...'
    assert message.startswith('non-finite loss at iteration 7 (epoch 2): loss=nan, loss_aug=nan')
    assert 'loss_adv=nan' in message
    assert f'last good checkpoint: {osp.join(work_dir, "epoch_1.pth")}' in message
    assert 7 not in breaker.parameters_after  # stopped inside iteration 7
    # The update of iteration 7 was never applied, and nothing broken was saved.
    before = breaker.parameters_after[6]
    for name, parameter in runner.model.named_parameters():
        assert torch.equal(parameter, before[name]), name
    assert not osp.exists(osp.join(work_dir, 'epoch_2.pth'))
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        assert f.read() == osp.join(work_dir, 'epoch_1.pth')


def test_skip_drops_the_step_and_says_so(train_tool, tmp_path, cifar10_root):
    runner = build_runner(train_tool, str(tmp_path), cifar10_root,
                          'default_hooks.nonfinite_loss.action=skip')
    breaker = BreakInputsAt([3, 8])
    runner.register_hook(breaker)
    runner.train()
    assert nonfinite_hook(runner).skipped_iters == [3, 8]
    after = breaker.parameters_after
    for skipped in (3, 8):  # parameters and BN statistics as before the iteration
        for key, value in after[skipped - 1].items():
            assert torch.equal(after[skipped][key], value), (skipped, key)
    assert not torch.equal(after[4]['backbone.conv1.weight'], after[3]['backbone.conv1.weight'])
    assert all(torch.isfinite(v).all() for v in runner.model.state_dict().values()
               if v.is_floating_point())
    (log,) = glob.glob(osp.join(str(tmp_path), '*', '*.log'))
    with open(log) as f:
        warnings = [line for line in f if 'skipped this update' in line]
    assert len(warnings) == 2 and 'non-finite loss at iteration 3 (epoch 1)' in warnings[0]


def test_skip_stops_after_too_many_in_a_row(train_tool, tmp_path, cifar10_root):
    runner = build_runner(train_tool, str(tmp_path), cifar10_root,
                          'default_hooks.nonfinite_loss.action=skip',
                          'default_hooks.nonfinite_loss.max_consecutive_skips=2')
    runner.register_hook(BreakInputsAt([2, 3]))
    with pytest.raises(NonFiniteLossError,
                       match='at iteration 3 .*2 updates in a row were skipped'):
        runner.train()


class ScaleGradientAt(Hook):
    """Multiply ``backbone.conv1.weight``'s gradient by ``factor`` in the
    backward of one iteration (1-based): an overflow in the backward (inf)
    or a finite gradient so large that the step overflows, with a finite loss."""

    def __init__(self, iteration, factor):
        self.iteration, self.factor, self.handle = iteration, factor, None

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.iter + 1 == self.iteration:
            weight = runner.model.backbone.conv1.weight
            self.handle = weight.register_hook(lambda grad: grad * self.factor)

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if self.handle is not None:
            self.handle.remove()
            self.handle = None


def finite_state(runner) -> bool:
    return all(torch.isfinite(v).all() for v in runner.model.state_dict().values()
               if v.is_floating_point())


def test_nonfinite_bn_statistics_stop_with_a_finite_loss(train_tool, tmp_path, cifar10_root):
    """eps=1e30: the loss stays finite, the adversarial BN's running_var
    becomes inf. The run stops at iteration 1, naming it; nothing is saved."""
    runner = build_runner(train_tool, str(tmp_path), cifar10_root,
                          'default_hooks.adversarial.eps=1e30')
    with pytest.raises(NonFiniteLossError) as info:
        runner.train()
    message = str(info.value)
    assert message.startswith('non-finite BN running statistics at iteration 1 (epoch 1): '
                              'backbone.bn1.adversarial.running_var=inf (loss=')
    assert 'loss=nan' not in message and 'no checkpoint is known good' in message
    assert not glob.glob(osp.join(str(tmp_path), '*.pth'))


def test_checkpoint_hook_refuses_nonfinite_tensors(train_tool, capsys, tmp_path, cifar10_root):
    """With the non-finite hook off, the same run reaches the end of epoch 1:
    the checkpoint hook refuses to save, tools/train.py exits 2 in one line."""
    work_dir = str(tmp_path)
    code = train_tool.main(train_args(work_dir, cifar10_root, 'default_hooks.adversarial.eps=1e30',
                                      'default_hooks.nonfinite_loss=None'))
    err = capsys.readouterr().err
    assert code == 2, err[-3000:]
    (error,) = [line for line in err.splitlines() if line.startswith('error:')]
    assert error.startswith(f'error: refusing to save {osp.join(work_dir, "epoch_1.pth")}: '
                            'training diverged, 1 tensors are not finite '
                            '(state_dict.backbone.bn1.adversarial.running_var=inf)')
    assert not glob.glob(osp.join(work_dir, '*.pth')) and not glob.glob(osp.join(work_dir, '.*'))
    assert not osp.exists(osp.join(work_dir, 'last_checkpoint'))


@pytest.mark.parametrize('action', ['stop', 'skip'])
def test_nonfinite_gradients_are_never_stepped(train_tool, tmp_path, cifar10_root, action):
    runner = build_runner(train_tool, str(tmp_path), cifar10_root,
                          f'default_hooks.nonfinite_loss.action={action}')
    breaker = BreakInputsAt([])  # records the parameters after each iteration
    runner.register_hook(breaker)
    runner.register_hook(ScaleGradientAt(4, float('inf')))
    if action == 'stop':
        with pytest.raises(NonFiniteLossError, match=r'^non-finite gradients at iteration 4 '
                           r'\(epoch 1\): backbone.conv1.weight=-?(inf|nan)'):
            runner.train()
        assert 4 not in breaker.parameters_after
        for name, parameter in runner.model.named_parameters():
            assert torch.equal(parameter, breaker.parameters_after[3][name]), name
        return
    runner.train()
    assert nonfinite_hook(runner).skipped_iters == [4]
    for key, value in breaker.parameters_after[3].items():  # BN statistics restored too
        assert torch.equal(breaker.parameters_after[4][key], value), key
    assert finite_state(runner)


def test_nonfinite_parameters_from_the_step_stop_even_with_skip(train_tool, tmp_path,
                                                                cifar10_root):
    """Finite gradients, a step that overflows (SGD, lr 3e38, gradient x1e10):
    the step is applied, so it cannot be skipped; the next iteration's check
    stops the run, which saves nothing."""
    runner = build_runner(train_tool, str(tmp_path), cifar10_root,
                          'default_hooks.nonfinite_loss.action=skip',
                          'optim_wrapper.optimizer.type=SGD', 'optim_wrapper.optimizer.lr=3e38')
    runner.register_hook(ScaleGradientAt(1, 1e10))
    with pytest.raises(NonFiniteLossError, match=r'^non-finite parameters at iteration 2 '
                       r'\(epoch 1\): backbone.conv1.weight=-?inf .*\(the optimizer step of '
                       r'iteration 1 made them; it cannot be skipped\)'):
        runner.train()
    assert not glob.glob(osp.join(str(tmp_path), '*.pth'))


def test_last_good_checkpoint_had_a_finite_forward(train_tool, tmp_path, cifar10_root):
    """NaN at iteration 11, the first after epoch_2.pth was saved: epoch_2's
    weights gave it, so the checkpoint called good is epoch_1.pth."""
    work_dir = str(tmp_path)
    runner = build_runner(train_tool, work_dir, cifar10_root, 'train_cfg.max_epochs=3')
    runner.register_hook(BreakInputsAt([11]))
    with pytest.raises(NonFiniteLossError) as info:
        runner.train()
    first, second = (osp.join(work_dir, f'epoch_{n}.pth') for n in (1, 2))
    assert (f'last good checkpoint: {first} ({second} is not: no forward of its weights gave '
            'a finite loss)') in str(info.value)
    assert f'--resume {first} --reset-lr' in str(info.value)


def test_skip_run_ending_on_skipped_steps_fails(train_tool, tmp_path, cifar10_root):
    """The last two steps skipped: the final weights (in epoch_2.pth) never
    gave a finite loss; the run must not end as a success."""
    work_dir = str(tmp_path)
    runner = build_runner(train_tool, work_dir, cifar10_root,
                          'default_hooks.nonfinite_loss.action=skip')
    runner.register_hook(BreakInputsAt([9, 10]))
    with pytest.raises(NonFiniteLossError) as info:
        runner.train()
    message = str(info.value)
    assert message.startswith('training ended diverged: its last 2 steps were all skipped '
                              '(iterations 9-10)')
    assert f'last good checkpoint: {osp.join(work_dir, "epoch_1.pth")}' in message
    assert f'{osp.join(work_dir, "epoch_2.pth")} is not' in message


def test_a_model_without_the_checked_train_step_is_refused():
    with pytest.raises(CLAEError, match="^NonFiniteLossHook checks each update in the model's "
                       'train_step, which Linear does not have'):
        NonFiniteLossHook().before_train(SimpleNamespace(model=torch.nn.Linear(2, 2)))


def distributed_step(rank, port, out_dir):
    """One process of two (gloo): a tiny CLAE-SimCLR under the distributed
    wrapper the configs select; rank 1's BN running statistics are
    non-finite before the first step, then repaired before the second."""
    torch.set_num_threads(1)
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    # A rank that skips a collective the other one runs fails within the timeout, not never.
    dist.init_process_group('gloo', rank=rank, world_size=2, timeout=timedelta(seconds=30))
    register_all_modules()
    cfg = Config.fromfile(CONFIG)
    cfg.merge_from_dict({key: int(value) for key, value in (o.split('=') for o in TINY_ENCODER)})
    torch.manual_seed(0)  # the same initial weights on both ranks
    model = MODELS.build(dict(cfg.model, data_preprocessor=cfg.data_preprocessor))
    model.adversary = AdversarialAugmentation(eps=0.03)  # every parameter has a gradient
    wrapped = MODEL_WRAPPERS.build(dict(cfg.model_wrapper_cfg, module=model, device_ids=None))
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    hook = NonFiniteLossHook()
    hook.before_train(SimpleNamespace(model=wrapped))
    generator = torch.Generator().manual_seed(rank)  # each rank its own data
    batch = dict(inputs=[torch.randint(0, 256, (4, 3, 32, 32), generator=generator,
                                       dtype=torch.uint8) for _ in range(2)], data_samples=None)
    running_var = model.backbone.bn1.clean.running_var
    if rank == 1:
        running_var.fill_(float('inf'))
    before = [p.detach().clone() for p in model.parameters()]
    wrapped.train_step(batch, optim_wrapper)
    first = dict(refusal=hook._refusal,
                 unchanged=all(torch.equal(p, b) for p, b in zip(model.parameters(), before)))
    hook._refusal = None
    running_var.fill_(1.0)
    wrapped.train_step(batch, optim_wrapper)
    second = dict(refusal=hook._refusal,
                  unchanged=all(torch.equal(p, b) for p, b in zip(model.parameters(), before)))
    torch.save(dict(first=first, second=second, weights=[p.detach() for p in model.parameters()]),
               osp.join(out_dir, f'{rank}.pt'))
    dist.destroy_process_group()


def test_all_ranks_refuse_a_step_one_rank_finds_nonfinite(tmp_path):
    """Only rank 1's BN statistics are infinite: both ranks refuse the step
    (rank 0 says the statistics are bad on another rank), so the weights
    stay one model; the next, finite step updates both alike (the gradients
    are averaged through the model's own train_step)."""
    # forked ranks: spawned ones would each import torch again
    mp.start_processes(distributed_step, args=(free_port(), str(tmp_path)), nprocs=2, join=True,
                       start_method='fork')
    ranks = [torch.load(tmp_path / f'{rank}.pt') for rank in range(2)]
    assert ranks[0]['first'] == dict(refusal=('statistics', 'on another rank'), unchanged=True)
    assert ranks[1]['first'] == dict(refusal=('statistics', 'backbone.bn1.clean.running_var=inf'),
                                     unchanged=True)
    assert all(rank['second'] == dict(refusal=None, unchanged=False) for rank in ranks)
    for weight0, weight1 in zip(ranks[0]['weights'], ranks[1]['weights']):
        assert torch.equal(weight0, weight1)


# The advice works: --resume PATH --reset-lr trains at the new learning rate.

# end=100: without it mmengine ends the schedule at the first run's max_epochs.
STEP_SCHEDULE = '''_base_ = [{config!r}]
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[1], gamma=0.1, end=100)]
'''


@pytest.fixture(scope='module')
def first_epochs(tmp_path_factory, cifar10_root):
    """Epoch 1 at the config's lr 3e-4, constant and with a x0.1 step after
    epoch 1 (so the saved lr is 3e-5 and initial_lr 3e-4)."""
    tool = load_train_tool()
    root = tmp_path_factory.mktemp('reset_lr')
    stepped = root / 'stepped.py'
    stepped.write_text(STEP_SCHEDULE.format(config=CONFIG))
    runs = {}
    for name, config in (('constant', CONFIG), ('stepped', str(stepped))):
        work_dir = str(root / name)
        assert tool.main(train_args(work_dir, cifar10_root, 'train_cfg.max_epochs=1',
                                    *NO_VALIDATION, config=config)) == 0
        runs[name] = dict(config=config, checkpoint=osp.join(work_dir, 'epoch_1.pth'))
    return runs


@pytest.mark.parametrize('schedule, reset, expected_lr', [
    ('constant', True, 1e-4),       # the new config value
    ('constant', False, 3e-4),      # mmengine: the checkpoint's lr wins over --cfg-options
    ('stepped', True, 1e-5),        # 1e-4 after the x0.1 step the schedule has taken
    ('stepped', False, 3e-5),
])
def test_resume_with_reset_lr_trains_at_the_new_rate(train_tool, tmp_path, cifar10_root,
                                                     first_epochs, schedule, reset, expected_lr):
    run = first_epochs[schedule]
    args = train_tool.parse_args(train_args(
        str(tmp_path), cifar10_root, 'train_cfg.max_epochs=2', 'optim_wrapper.optimizer.lr=1e-4',
        *NO_VALIDATION, config=run['config'],
        flags=['--resume', run['checkpoint']] + (['--reset-lr'] * reset)))
    register_all_modules()
    runner = Runner.from_cfg(train_tool.merge_args(Config.fromfile(args.config), args))
    runner.train()
    assert runner.iter == 10  # resumed at iteration 5
    (group,) = runner.optim_wrapper.param_groups
    assert group['lr'] == pytest.approx(expected_lr, rel=1e-9)
    assert runner.message_hub.get_scalar('train/lr').current() == pytest.approx(expected_lr)
    if schedule == 'stepped':
        assert group['initial_lr'] == pytest.approx(1e-4 if reset else 3e-4)
        (scheduler,) = runner.param_schedulers
        assert scheduler.base_values == [pytest.approx(1e-4 if reset else 3e-4)]


def test_reset_lr_needs_resume(train_tool, capsys, tmp_path, cifar10_root):
    assert train_tool.main(train_args(str(tmp_path), cifar10_root, flags=['--reset-lr'])) == 2
    assert 'error: --reset-lr only applies with --resume' in capsys.readouterr().err
