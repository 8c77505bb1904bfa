"""The config a checkpoint was trained with, read from the checkpoint itself.

mmengine stores the merged config of the run (the training's ``--cfg-options``
and ``--data-root`` included) in every checkpoint as text (``meta['cfg']``).
That text is Python, so it is read here as data: each ``name = value`` line
with :func:`literal_value` (literals and ``dict(...)``); nothing of it is
executed, and anything else refuses the recorded config.
"""
import ast
import os.path as osp
import re
from typing import Optional, Sequence, Tuple, Union

from mmengine.config import Config
from mmengine.runner import CheckpointLoader

from .cfg_options import load_config, merge_cfg_options, options_dict
from .errors import CLAEError
from .literal import literal_value
from .safe_load import safe_load_checkpoint

# What a CONFIG on the command line cannot change: the model the checkpoint was trained with.
MODEL_KEYS = ('model', 'data_preprocessor')
# The modules whose classes a model recorded in a checkpoint may name (``type``, at any depth):
# building them runs this library's code only. Wrappers of timm and Hugging Face models are
# not among them: their arguments can fetch weights or run code that the file chose.
RECORDED_MODEL_MODULES = (
    'clae_mm.models.', 'mmpretrain.models.backbones.', 'mmpretrain.models.necks.',
    'mmpretrain.models.heads.', 'mmpretrain.models.losses.', 'mmpretrain.models.selfsup.',
    'mmpretrain.models.utils.', 'mmcv.cnn.bricks.', 'torch.nn.modules.', 'mmengine.utils.dl_utils.')
NOT_FROM_CHECKPOINT = ('TIMMBackbone', )


def parse_config_text(text: str) -> dict:
    """The ``name = value`` assignments of mmengine's config text, as data.

    Raises:
        ValueError: a statement that is not a plain assignment of a literal.
    """
    values = {}
    for node in ast.parse(text).body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            raise ValueError(f'line {node.lineno} is not a plain assignment')
        values[node.targets[0].id] = literal_value(node.value)
    return values


def recorded_config(checkpoint: dict) -> Optional[Config]:
    """The config recorded in a loaded checkpoint, or None when it records
    none that reads as data."""
    text = (checkpoint.get('meta') or {}).get('cfg')
    if not isinstance(text, str):
        return None
    try:
        return Config(parse_config_text(text))
    except (SyntaxError, ValueError, TypeError):
        return None


def check_recorded_types(value, where: str = 'model', modules=RECORDED_MODEL_MODULES) -> None:
    """Refuse a model recorded in a checkpoint that names (``type``, at any depth) a class
    outside ``modules``.

    Raises:
        CLAEError: naming the key and the class.
    """
    from clae_mm.registry import MODELS
    if isinstance(value, dict):
        kind = value.get('type')
        if kind is not None:
            cls = MODELS.get(kind) if isinstance(kind, str) else None
            module = getattr(cls, '__module__', None) or ''
            if cls is None or cls.__name__ in NOT_FROM_CHECKPOINT or not module.startswith(modules):
                found = f'{kind} ({module})' if cls is not None else repr(kind)
                raise CLAEError(f"the checkpoint's config names {where}.type {found}, which is "
                                'not built from settings found in a checkpoint; pass the CONFIG '
                                'on the command line')
        for key, item in value.items():
            if key != 'init_cfg':  # initialisers: the tools load the checkpoint's weights instead
                check_recorded_types(item, f'{where}.{key}', modules)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            check_recorded_types(item, f'{where}[{index}]', modules)


def check_recorded_model(cfg: Config) -> None:
    for key in MODEL_KEYS:
        check_recorded_types(cfg.get(key), key)


def recorded_config_name(checkpoint: dict) -> Optional[str]:
    """The training config's file name without ``.py``: mmengine's experiment
    name is ``<config name>_<timestamp>``."""
    name = (checkpoint.get('meta') or {}).get('experiment_name')
    if not isinstance(name, str):
        return None
    return re.sub(r'_\d{8}_\d{6}$', '', name) or None


def config_of_run(config: Optional[str], checkpoint: Union[str, dict],
                  cfg_options: Union[None, dict, Sequence[str]] = None,
                  checkpoint_name: Optional[str] = None) -> Tuple[Config, Optional[str], str]:
    """The config to rebuild and score a checkpoint with, its name and a
    one-line note of what came from where.

    - no ``config``: the one the checkpoint records, whole;
    - a ``config`` file: that file, with the model (``model`` and
      ``data_preprocessor``) the checkpoint records, when it records one;
    - then ``cfg_options`` on top.

    Raises:
        CLAEError: no ``config`` and the checkpoint records none.
    """
    if isinstance(checkpoint, str):
        checkpoint_name = checkpoint_name or checkpoint
        # Local files without mmengine's loader, which logs to the last runner's logger.
        checkpoint = CheckpointLoader.load_checkpoint(checkpoint, map_location='cpu') \
            if '://' in checkpoint else safe_load_checkpoint(checkpoint)
    where = osp.basename(checkpoint_name or 'the checkpoint')
    recorded = recorded_config(checkpoint)
    if config is None:
        if recorded is None:
            raise CLAEError(f'{checkpoint_name} records no config that can be read as data (a '
                            'checkpoint of another toolkit?); pass CONFIG CHECKPOINT')
        cfg, name = recorded, recorded_config_name(checkpoint)
        check_recorded_model(cfg)
        note = f'config: as recorded in {where} (the training options included)'
    else:
        cfg, name = load_config(config), osp.splitext(osp.basename(config))[0]
        if recorded is None:
            note = f'config: {config} ({where} records none)'
        else:
            check_recorded_model(recorded)
            for key in MODEL_KEYS:
                if key in recorded:
                    cfg[key] = recorded[key]
            note = (f'model: as recorded in {where}; data and evaluation: {config}')
    options = options_dict(cfg_options)
    if options:
        merge_cfg_options(cfg, options)
        note += f"; on top: --cfg-options {' '.join(sorted(options))}"
    # Without a file name, mmengine dumps it as <timestamp>.py: an evaluation never
    # overwrites the config file a training run dumped into its work dir.
    return Config(cfg.to_dict()), name, note

