"""Bad training input becomes a one-line :class:`CLAEError` before training.

:func:`check_config_keys` names an unknown key (a typo at the top level or
in any component's arguments) with its nearest valid spelling;
:func:`check_train_config` catches what is visible in the config itself
(a missing checkpoint, anything a hook or the optimizer refuses, counts that
cannot work, a backbone without BatchNorm);
:func:`check_train_data` loads the datasets (labels are checked as they
load) and the batch arithmetic, before mmengine's long environment dump;
:func:`registry_errors_as_clae_errors` turns mmengine's multi-sentence
``KeyError: 'X is not in the clae_mm::model registry. Please check ...'``
raised while the runner builds its parts into one line. Missing or malformed
datasets already raise ``DatasetNotFoundError`` when the runner builds the
dataloader; unreadable, unsafe or mismatching checkpoints raise from
:mod:`clae_mm.utils.safe_load` and ``CheckpointCompatibilityHook`` when it
loads them; all of this happens before the first iteration.
"""
import ast
import difflib
import inspect
import math
import os
import re
import textwrap
from contextlib import contextmanager
from numbers import Real
from typing import Iterable, Optional

import torch
from mmengine.config import Config

from .errors import CLAEError

_NOT_REGISTERED = re.compile(r'([\w.\-]+) is not in the (.+?) registry')


class ConfigError(CLAEError):
    """A config value that cannot work; the message names the key and the fix."""


def _fix(key: str) -> str:
    return f'fix it in the config or with --cfg-options {key}.<name>=<value>'


def _hooks(cfg: Config):
    for name, hook in (cfg.get('default_hooks') or {}).items():
        if isinstance(hook, dict):
            yield f'default_hooks.{name}', hook
    for index, hook in enumerate(cfg.get('custom_hooks') or []):
        if isinstance(hook, dict):
            yield f'custom_hooks[{index}]', hook


def check_hooks(cfg: Config) -> None:
    """Build every hook of the config once, as the runner will: what a hook's
    ``__init__`` refuses (``eps=nan``, ``attack='fgsmm'``,
    ``nonfinite_loss.action='skp'``, ``logger.interval=0``) is one line now,
    not a traceback after the runner's environment dump."""
    from clae_mm.registry import HOOKS
    for key, hook in _hooks(cfg):
        hook = dict(hook)
        hook.pop('priority', None)  # the runner's, not the hook's
        try:
            with registry_errors_as_clae_errors():
                HOOKS.build(hook)
        except (ValueError, TypeError, AssertionError) as exc:
            raise ConfigError(f'{key}: {exc}; {_fix(key)}') from None
        except RuntimeError:
            # A hook that reads the runner's instances when built (mmpretrain's
            # VisualizationHook: the current Visualizer) is left to the runner.
            continue


def _require_int(cfg: Config, path: str, minimum: int, why: str = '') -> None:
    """``path`` (dotted), when the config sets it, must be an int >= ``minimum``."""
    node = cfg
    for part in path.split('.'):
        node = node.get(part) if hasattr(node, 'get') else None
        if node is None:
            return
    if isinstance(node, bool) or not isinstance(node, int) or node < minimum:
        raise ConfigError(f'{path} must be an integer >= {minimum}, got {node!r}{why}; '
                          f'set --cfg-options {path}=<value>')


def check_numbers(cfg: Config) -> None:
    """Counts and rates the runner would only refuse (or misuse) once built:
    ``max_epochs`` / ``max_iters`` < 1 (exit 0, nothing trained),
    ``val_interval`` 0 (a crash after a full epoch), a negative
    ``num_workers``, and what the optimizer refuses (``lr=nan``, ``lr=-1``):
    it is built once on a dummy parameter, after a finiteness check of its
    numbers (torch accepts ``lr=inf``)."""
    train_cfg = cfg.get('train_cfg') or {}
    if train_cfg.get('type') in (None, 'EpochBasedTrainLoop') and train_cfg.get('by_epoch', True):
        _require_int(cfg, 'train_cfg.max_epochs', 1, ': nothing would be trained')
    _require_int(cfg, 'train_cfg.max_iters', 1, ': nothing would be trained')
    _require_int(cfg, 'train_cfg.val_interval', 1, ' (validate every N epochs; to never '
                 'validate, set val_interval larger than max_epochs)')
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader', 'val_cfg.bank',
                'test_cfg.bank'):
        _require_int(cfg, f'{key}.num_workers', 0, ' (0 loads in the main process)')
        _require_int(cfg, f'{key}.batch_size', 1)
    optimizer = (cfg.get('optim_wrapper') or {}).get('optimizer')
    if not (isinstance(optimizer, dict) and optimizer.get('type')):
        return
    key = 'optim_wrapper.optimizer'
    for name, value in optimizer.items():
        values = value if isinstance(value, (tuple, list)) else [value]
        for number in values:
            if isinstance(number, Real) and not isinstance(number, bool) and \
                    not math.isfinite(number):
                raise ConfigError(f'{key}.{name} must be a finite number, got {value}; '
                                  f'set --cfg-options {key}.{name}=<value>')
    from clae_mm.registry import OPTIMIZERS
    try:
        with registry_errors_as_clae_errors():
            OPTIMIZERS.build(dict(optimizer, params=[torch.nn.Parameter(torch.zeros(1))]))
    except (ValueError, TypeError, AssertionError) as exc:
        raise ConfigError(f'{key}: {exc}; {_fix(key)}') from None


def check_backbone_has_batch_norm(cfg: Config) -> None:
    """CLAE's refusal of a backbone without BatchNorm (``require_batch_norm``,
    a LayerNorm ViT), made before the runner: the backbone is built once
    more (0.1 s for the full-width CIFAR ResNet-18 on 2 CPU cores; the meta
    device would be free, but mmpretrain's ResNet calls ``.item()`` in its
    ``__init__``). A backbone that fails to build is left to the runner."""
    from clae_mm.models.selfsup.adversarial_training import (AdversarialTrainingMixin,
                                                             require_batch_norm)
    from clae_mm.registry import MODELS
    model = cfg.get('model') or {}
    backbone = model.get('backbone')
    try:
        model_class = MODELS.get(model.get('type'))
    except Exception:  # noqa: BLE001 -- an unknown type is reported when it is built
        return
    if not (isinstance(backbone, dict) and inspect.isclass(model_class)
            and issubclass(model_class, AdversarialTrainingMixin)):
        return
    try:
        built = MODELS.build(backbone)
    except Exception:  # noqa: BLE001 -- the runner builds it again and reports it
        return
    try:
        require_batch_norm(built)
    except ValueError as exc:
        raise ConfigError(f'model.backbone: {exc}') from None


def check_train_config(cfg: Config) -> None:
    """Raise :class:`ConfigError` for a training config that cannot work,
    before the runner is built: a checkpoint to load that does not exist,
    anything a hook refuses (a negative eps or alpha, an unknown attack, a
    ``nonfinite_loss.action`` typo: :func:`check_hooks`), counts and rates
    that cannot work (:func:`check_numbers`), a backbone without BatchNorm,
    or fewer than 2 images per contrastive batch."""
    from .safe_load import existing_checkpoint
    if cfg.get('load_from'):
        existing_checkpoint(cfg.load_from)
    check_hooks(cfg)
    check_numbers(cfg)
    check_backbone_has_batch_norm(cfg)
    loader = cfg.get('train_dataloader') or {}
    batch_size = loader.get('batch_size')
    world_size = int(os.environ.get('WORLD_SIZE', 1))
    if batch_size is not None and batch_size * world_size < 2:
        raise ConfigError(
            f'train_dataloader.batch_size={batch_size} on {world_size} process(es): a '
            'contrastive loss needs at least 2 images per batch (the other images are its '
            'negatives); set --cfg-options train_dataloader.batch_size=2 or more')


def unknown_type_message(exc: KeyError):
    """One line for mmengine's 'X is not in the ... registry' error, else None."""
    match = _NOT_REGISTERED.search(str(exc))
    if match is None:
        return None
    name, registry = match.groups()
    return (f"unknown type '{name}' in the {registry} registry: check the spelling in the "
            'config, or import the module that registers it (custom_imports)')


@contextmanager
def registry_errors_as_clae_errors():
    """Re-raise mmengine's unknown-type ``KeyError`` as a one-line ``ConfigError``."""
    try:
        yield
    except KeyError as exc:
        message = unknown_type_message(exc)
        if message is None:
            raise
        raise ConfigError(message) from None


# What mmengine's Runner reads (Runner.from_cfg, Runner.train and the
# wrappers it builds), and the keys of our own that configs use.
RUNNER_KEYS = frozenset({
    'model', 'work_dir', 'train_dataloader', 'val_dataloader', 'test_dataloader', 'train_cfg',
    'val_cfg', 'test_cfg', 'auto_scale_lr', 'optim_wrapper', 'param_scheduler', 'val_evaluator',
    'test_evaluator', 'default_hooks', 'custom_hooks', 'data_preprocessor', 'load_from',
    'resume', 'launcher', 'env_cfg', 'log_processor', 'log_level', 'visualizer',
    'default_scope', 'randomness', 'experiment_name', 'model_wrapper_cfg',
    'find_unused_parameters', 'sync_bn', 'compile', 'activation_checkpointing',
    'efficient_conv_bn_eval', 'custom_imports'})
PROJECT_KEYS = frozenset()  # evaluation lives in val_* / test_* (FrozenFeatureValLoop, ...)
KNOWN_SECTIONS = {
    'randomness': {'seed', 'deterministic', 'diff_rank_seed'},   # Runner.set_randomness
    'env_cfg': {'cudnn_benchmark', 'mp_cfg', 'dist_cfg', 'resource_limit',
                'cpu_malloc_tuning'},  # Runner.setup_env + ours (keep_freed_memory_in_heap)
    'auto_scale_lr': {'enable', 'base_batch_size'},
}
# Keys mmengine's builders take out of a dataloader / component dict before
# calling the class.
DATALOADER_EXTRA = {'dataset', 'sampler', 'batch_sampler', 'collate_fn', 'worker_init_fn',
                    'num_batch_per_epoch', 'disable_subprocess_warning'}
HOOK_EXTRA = {'priority'}
SCHEDULER_EXTRA = {'convert_to_iter_based'}
OPTIM_WRAPPER_EXTRA = {'constructor', 'paramwise_cfg'}


def _unknown_key(path: str, key: str, valid: Iterable[str], owner: str) -> ConfigError:
    close = difflib.get_close_matches(key, sorted(valid), n=1, cutoff=0.6)
    parent = path.rsplit('.', 1)[0] if '.' in path else ''
    hint = f'did you mean {parent + "." if parent else ""}{close[0]}?' if close else \
        f'valid keys: {", ".join(sorted(valid)[:12])}{", ..." if len(valid) > 12 else ""}'
    return ConfigError(f'unknown config key {path} ({owner}); {hint} Fix it in the config or '
                       'in --cfg-options')


def _forwards_kwargs(function) -> bool:
    """Whether ``function`` passes its ``**kwargs`` on to a parent ``__init__``."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return False
    var_keyword = [p.name for p in inspect.signature(function).parameters.values()
                   if p.kind is inspect.Parameter.VAR_KEYWORD]
    return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
               and node.func.attr == '__init__'
               and any(k.arg is None and isinstance(k.value, ast.Name) and k.value.id in var_keyword
                       for k in node.keywords)
               for node in ast.walk(tree))


def _kwargs_destination(klass):
    """Where a class known to keep its ``**kwargs`` passes them, or None."""
    from mmengine.hooks import CheckpointHook
    from mmengine.runner import Runner
    return Runner.save_checkpoint if klass is CheckpointHook else None  # as self.args


def accepted_arguments(target) -> Optional[set]:
    """Keyword arguments a registered class (or function) accepts, following
    ``**kwargs`` up the parent classes while each ``__init__`` forwards them;
    None when anything goes (``**kwargs`` kept or used otherwise)."""
    keyword_kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    if not inspect.isclass(target):
        try:
            parameters = inspect.signature(target).parameters.values()
        except (TypeError, ValueError):
            return None
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
            return None
        return {p.name for p in parameters if p.kind in keyword_kinds}
    names = set()
    for klass in target.__mro__:
        if klass in (object, torch.nn.Module):  # both refuse unknown keywords themselves
            return names
        init = klass.__dict__.get('__init__')
        if init is None:
            continue
        try:
            parameters = list(inspect.signature(init).parameters.values())[1:]
        except (TypeError, ValueError):
            return None
        names |= {p.name for p in parameters if p.kind in keyword_kinds}
        if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
            return names
        destination = _kwargs_destination(klass)
        if destination is not None:
            passed_on = accepted_arguments(destination)
            return None if passed_on is None else names | passed_on
        if not _forwards_kwargs(init):
            return None
    return names


def _registries():
    from mmengine.registry import FUNCTIONS

    from clae_mm import registry
    return dict(models=registry.MODELS, datasets=registry.DATASETS,
                transforms=registry.TRANSFORMS, hooks=registry.HOOKS,
                optimizers=registry.OPTIMIZERS, optim_wrappers=registry.OPTIM_WRAPPERS,
                schedulers=registry.PARAM_SCHEDULERS, loops=registry.LOOPS,
                samplers=registry.DATA_SAMPLERS, functions=FUNCTIONS,
                visualizers=registry.VISUALIZERS, vis_backends=registry.VISBACKENDS,
                log_processors=registry.LOG_PROCESSORS, metrics=registry.METRICS)


# The registry a nested component is built from, by its argument's name;
# other arguments of a model are models, and ``*_cfg`` arguments (norm_cfg,
# init_cfg, ...) are read by helpers that take extra keys: not checked.
CHILD_REGISTRY = {'dataset': 'datasets', 'datasets': 'datasets', 'pipeline': 'transforms',
                  'transforms': 'transforms', 'optimizer': 'optimizers',
                  'vis_backends': 'vis_backends', 'sampler': 'samplers',
                  'batch_sampler': 'samplers', 'collate_fn': 'functions'}


def _component_dicts(value):
    """Dicts with a ``type`` in ``value`` (a dict, or lists of them, nested)."""
    if isinstance(value, dict):
        if 'type' in value:
            yield None, value
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            for sub_index, found in _component_dicts(item):
                yield (index if sub_index is None else f'{index}][{sub_index}'), found


def _check_component(component: dict, path: str, kind: str, registries: dict,
                     extra=frozenset(), default_type=None) -> None:
    registry = registries[kind]
    target = component.get('type', default_type)
    if isinstance(target, str):
        try:
            target = registry.get(target)
        except Exception:  # noqa: BLE001 -- an unknown type is reported when it is built
            target = None
    if target is None or not callable(target):
        return
    accepted = accepted_arguments(target)
    if accepted is not None:
        for key in component:
            # _scope_: mmengine's registry scope, set on the dicts of a base config that
            # another package ships ('mmpretrain::_base_/...').
            if key not in ('type', '_scope_') and key not in accepted and key not in extra:
                raise _unknown_key(f'{path}.{key}', key, accepted | set(extra),
                                   f'{getattr(target, "__name__", target)} does not take it')
    for key, value in component.items():
        child_kind = CHILD_REGISTRY.get(key) or (kind if kind == 'models' else None)
        if key == 'type' or key.endswith('_cfg') or child_kind is None:
            continue
        for index, child in _component_dicts(value):
            child_path = f'{path}.{key}' + ('' if index is None else f'[{index}]')
            _check_component(child, child_path, child_kind, registries)


def _check_section(section: dict, path: str, valid: set) -> None:
    for key in section:
        if key not in valid:
            raise _unknown_key(f'{path}.{key}', key, valid, f'{path} has no such setting')


def check_config_keys(cfg: Config, config_file_keys: Iterable[str] = ()) -> None:
    """Raise :class:`ConfigError` for a key nothing reads, naming its nearest
    valid spelling: ``randomnes.seed``, ``model.backbone.depht``,
    ``train_cfg.max_epoch``.

    Top level: mmengine's runner keys, ours, and the helper variables of the
    config file itself (``train_pipeline``, ...) are valid; another key from
    ``--cfg-options`` is refused, and one in the file only if it is a near
    miss of a runner key (``randomnes``). Components (any dict with a
    ``type``) are checked against their registered class's ``__init__``
    (:func:`accepted_arguments`), recursively.
    """
    known = RUNNER_KEYS | PROJECT_KEYS
    config_file_keys = set(config_file_keys)
    for key in cfg:
        if key in known:
            continue
        if key not in config_file_keys:
            raise _unknown_key(key, key, known | config_file_keys, 'not a config key')
        if difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.85):
            raise _unknown_key(key, key, known, 'not a config key')
    for key, valid in KNOWN_SECTIONS.items():
        if isinstance(cfg.get(key), dict):
            _check_section(cfg[key], key, valid)
    if isinstance((cfg.get('env_cfg') or {}).get('mp_cfg'), dict):
        _check_section(cfg.env_cfg.mp_cfg, 'env_cfg.mp_cfg', {'mp_start_method',
                                                               'opencv_num_threads'})
    registries = _registries()
    for key in ('model', 'data_preprocessor'):
        if isinstance(cfg.get(key), dict):
            _check_component(cfg[key], key, 'models', registries)
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(key)
        if isinstance(loader, dict):
            valid = set(accepted_arguments(torch.utils.data.DataLoader)) | DATALOADER_EXTRA
            _check_section(loader, key, valid)
            for name, kind in (('dataset', 'datasets'), ('sampler', 'samplers'),
                               ('batch_sampler', 'samplers'), ('collate_fn', 'functions')):
                if isinstance(loader.get(name), dict):
                    _check_component(loader[name], f'{key}.{name}', kind, registries)
    loops = (('train_cfg', None), ('val_cfg', 'ValLoop'), ('test_cfg', 'TestLoop'))
    for key, default_type in loops:
        loop = cfg.get(key)
        if not isinstance(loop, dict):
            continue
        if key == 'train_cfg' and 'type' not in loop:  # mmengine picks the loop by by_epoch
            default_type = 'EpochBasedTrainLoop' if loop.get('by_epoch', True) else \
                'IterBasedTrainLoop'
        _check_component(loop, key, 'loops', registries, extra={'by_epoch'},
                         default_type=default_type)
        bank = loop.get('bank')  # FrozenFeatureValLoop / FrozenFeatureTestLoop
        if isinstance(bank, dict) and isinstance(bank.get('dataset'), dict):
            _check_component(bank['dataset'], f'{key}.bank.dataset', 'datasets', registries)
    for key in ('val_evaluator', 'test_evaluator'):
        for index, metric in _component_dicts(cfg.get(key)):
            _check_component(metric, key + ('' if index is None else f'[{index}]'), 'metrics',
                             registries)
    optim_wrapper = cfg.get('optim_wrapper')
    if isinstance(optim_wrapper, dict) and 'constructor' not in optim_wrapper:
        _check_component(optim_wrapper, 'optim_wrapper', 'optim_wrappers', registries,
                         extra=OPTIM_WRAPPER_EXTRA, default_type='OptimWrapper')
    for index, scheduler in _component_dicts(cfg.get('param_scheduler')):
        _check_component(scheduler, 'param_scheduler' + ('' if index is None else f'[{index}]'),
                         'schedulers', registries, extra=SCHEDULER_EXTRA)
    for name, hook in (cfg.get('default_hooks') or {}).items():
        if isinstance(hook, dict):
            _check_component(hook, f'default_hooks.{name}', 'hooks', registries, extra=HOOK_EXTRA)
    for index, hook in _component_dicts(cfg.get('custom_hooks')):
        _check_component(hook, f'custom_hooks[{index}]', 'hooks', registries, extra=HOOK_EXTRA)
    if isinstance(cfg.get('visualizer'), dict):
        _check_component(cfg.visualizer, 'visualizer', 'visualizers', registries)
    if isinstance(cfg.get('log_processor'), dict):
        _check_component(cfg.log_processor, 'log_processor', 'log_processors', registries,
                         default_type='LogProcessor')


def _samples_per_rank(num_samples: int, world_size: int, sampler: dict) -> list:
    """How many samples each rank's sampler yields per epoch (DefaultSampler)."""
    if sampler.get('round_up', True):
        return [math.ceil(num_samples / world_size)] * world_size
    return [len(range(rank, num_samples, world_size)) for rank in range(world_size)]


def check_train_data(cfg: Config) -> None:
    """Load the datasets of a training config and check its batches, before
    the runner (and its long environment and config dump) is built.

    Missing files, malformed files and bad labels raise from the dataset
    classes as they load (``DatasetNotFoundError``); here, with
    ``DefaultSampler``, an epoch that holds no batch (``drop_last=True`` and
    fewer images per process than ``batch_size``: training would take no
    step) and a last batch of one image (``drop_last=False``: BatchNorm
    cannot train on it, and a contrastive loss has no negative) raise
    :class:`ConfigError`. The validation's query set and bank (the kNN of
    ``val_cfg``) are loaded too, so a bad label there fails now, not after
    the first epoch.
    """
    from clae_mm.registry import DATASETS
    loader = cfg.get('train_dataloader') or {}
    dataset_cfg = loader.get('dataset')
    if not isinstance(dataset_cfg, dict):
        return
    with registry_errors_as_clae_errors():
        dataset = DATASETS.build(dataset_cfg)
        if cfg.get('val_cfg') and cfg.get('val_evaluator'):
            for evaluated in ((cfg.get('val_dataloader') or {}).get('dataset'),
                              (cfg.val_cfg.get('bank') or {}).get('dataset')):
                if isinstance(evaluated, dict):
                    DATASETS.build(evaluated)
    sampler = loader.get('sampler') or {}
    batch_size = loader.get('batch_size')
    if (sampler.get('type', 'DefaultSampler') not in ('DefaultSampler', None) or
            loader.get('batch_sampler') is not None or not isinstance(batch_size, int)):
        return  # infinite or custom samplers: no epoch arithmetic to check
    world_size = int(os.environ.get('WORLD_SIZE', 1))
    per_rank = _samples_per_rank(len(dataset), world_size, sampler)
    where = (f'{len(dataset)} images' if world_size == 1 else
             f'{len(dataset)} images ({min(per_rank)} per process on {world_size} processes)')
    if loader.get('drop_last', False):
        if min(per_rank) < batch_size:
            raise ConfigError(
                f'train_dataloader: {where} make no batch of batch_size={batch_size} with '
                'drop_last=True, so training would take no step; set '
                f'train_dataloader.batch_size to at most {min(per_rank)}, or use more data')
    elif any(count % batch_size == 1 for count in per_rank):
        raise ConfigError(
            f'train_dataloader: {where} with batch_size={batch_size} and drop_last=False leave a '
            'last batch of 1 image, on which BatchNorm cannot train and a contrastive loss has '
            'no negative; set train_dataloader.drop_last=True or another batch_size')
