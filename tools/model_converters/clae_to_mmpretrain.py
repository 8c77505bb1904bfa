"""Write the clean encoder of a clae_mm checkpoint as weights that load strictly into the stock
backbone, as mmpretrain's tools/model_converters/*_to_mmpretrain.py do for other toolkits.

    python tools/model_converters/clae_to_mmpretrain.py CKPT [CONFIG] --out FILE \
        [--with-neck] [--format mmpretrain|torchvision] [--cfg-options ...]

A clae_mm checkpoint holds every BatchNorm twice, ``bn1.clean.*`` and ``bn1.adversarial.*``
(dual BN, paper Section 3.5). mmpretrain's ``ResNet_CIFAR`` with ``init_cfg=dict(type=
'Pretrained', prefix='backbone.')`` loads the convolutions of such a file and leaves every BN at
its initial values, with only a warning. The file written here keeps the clean branch under the
BN's own name and drops the adversarial one:

- ``--format mmpretrain`` (default): ``backbone.*`` (and ``neck.*`` with ``--with-neck``) for
  the stock backbone of the same config: ``DualBNResNet_CIFAR`` -> ``ResNet_CIFAR``,
  ``DualBNResNet`` -> ``ResNet``, a backbone that went through ``dual_bn=`` -> itself.
  ``init_cfg=dict(type='Pretrained', checkpoint=FILE, prefix='backbone.')`` loads it.
- ``--format torchvision``: the keys of torchvision's ``resnet18/34/50/101/152`` without
  ``fc`` (``model.fc = torch.nn.Identity()``, then ``load_state_dict(..., strict=True)``).
  Only mmpretrain's ``ResNet`` with torchvision's layout converts (the 7x7 stem and max-pool,
  64 base channels, style 'pytorch'); ``ResNet_CIFAR``'s 3x3 stem has no place there.

The model is built from the checkpoint's own settings: the ``model = dict(...)`` of the config
text mmengine stores in ``meta['cfg']``, read as literals, never executed (docs/reliability.md
section 1), or from CONFIG when given (executed, as every config the user names). The
checkpoint must load strictly into the backbone (and neck) as trained, and the clean weights
strictly into the stock one, or the tool refuses in one line. The file is written weights-only
(``{'state_dict', 'meta'}``, plain data) and atomically.
"""
import argparse
import os
import os.path as osp
import sys

import torch
from mmengine.config import Config, DictAction

from clae_mm.models.backbones import DualBNResNet, DualBNResNet_CIFAR
from clae_mm.models.utils.dual_bn import DualBatchNorm, clean_state_dict, convert_dual_bn
from clae_mm.utils import register_all_modules
from clae_mm.utils.atomic_io import atomic_write
from clae_mm.utils.checkpoint import describe_mismatch, state_dict_mismatch
from clae_mm.utils.errors import CLAEError, exit_code
from clae_mm.utils.run_config import config_of_run, recorded_config
from clae_mm.utils.safe_load import safe_load_checkpoint
from clae_mm.utils.training_settings import plain_value, recorded_training_settings

FORMATS = ('mmpretrain', 'torchvision')
# The dual-BN backbones and the mmpretrain backbone each extends (same arguments but one).
STOCK_TYPES = {cls.__name__: cls.__bases__[0].__name__
               for cls in (DualBNResNet, DualBNResNet_CIFAR)}
DUAL_ONLY_ARGUMENTS = ('adv_bn_momentum', 'init_cfg')
# torchvision's ResNets: mmpretrain's ResNet with these settings has the same modules,
# names and shapes (torchvision has an ``fc`` more).
TORCHVISION_RESNETS = {18: 'resnet18', 34: 'resnet34', 50: 'resnet50', 101: 'resnet101',
                       152: 'resnet152'}
TORCHVISION_LAYOUT = dict(stem_channels=64, base_channels=64, num_stages=4, strides=(1, 2, 2, 2),
                          dilations=(1, 1, 1, 1), style='pytorch', deep_stem=False,
                          avg_down=False, conv_cfg=None)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Write the clean backbone (and neck) of a clae_mm checkpoint for the stock '
        'mmpretrain backbone or torchvision')
    parser.add_argument('checkpoint', help='a clae_mm training checkpoint (.pth)')
    parser.add_argument('config', nargs='?', help='the config it was trained with (default: '
                        "read the model settings from the checkpoint's meta, without running "
                        'them)')
    parser.add_argument('--out', required=True, help='the converted file to write')
    parser.add_argument('--with-neck', action='store_true',
                        help='also write the neck (neck.*), for --format mmpretrain')
    parser.add_argument('--format', choices=FORMATS, default='mmpretrain',
                        help='mmpretrain: backbone.* keys for the stock backbone of the same '
                        "config; torchvision: the keys of torchvision's resnetN (no fc)")
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override settings of the model config, key=value (as '
                        'tools/train.py: model.backbone.base_channels=8)')
    return parser.parse_args(argv)


# --------------------------------------------------------------------------- #
# The model settings
def model_config(args, checkpoint: dict) -> Config:
    """The model the checkpoint records (CONFIG's when it records none), ``--cfg-options``
    applied (``clae_mm.utils.run_config.config_of_run``, as every tool that takes a
    checkpoint)."""
    cfg, _, note = config_of_run(args.config, checkpoint, args.cfg_options,
                                 checkpoint_name=args.checkpoint)
    print(note)
    if not isinstance(cfg.get('model'), dict):
        raise CLAEError(f'{args.config or args.checkpoint} defines no model')
    return cfg


def input_normalisation(cfg: Config) -> dict:
    """The pixel normalisation of the pre-training (``mean``, ``std``, ``to_rgb`` of its data
    preprocessor): a downstream config should normalise its images the same way."""
    preprocessor = cfg.get('data_preprocessor') or cfg.model.get('data_preprocessor') or {}
    return {key: plain(preprocessor[key]) for key in ('mean', 'std', 'to_rgb')
            if key in preprocessor}


def plain(value):
    """A config value as plain Python data (ConfigDicts as dicts), for the file's meta."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(plain(item) for item in value)
    return value


# --------------------------------------------------------------------------- #
# Building and loading
def without_init_cfg(value):
    """Settings without their ``init_cfg`` (at any depth): nothing here initialises
    weights, every one comes from the checkpoint."""
    if isinstance(value, dict):
        return {key: without_init_cfg(item) for key, item in value.items() if key != 'init_cfg'}
    if isinstance(value, (list, tuple)):
        return type(value)(without_init_cfg(item) for item in value)
    return value


def build_part(part_cfg: dict, name: str) -> torch.nn.Module:
    from clae_mm.registry import MODELS
    from clae_mm.utils.config_check import registry_errors_as_clae_errors
    part_cfg = without_init_cfg(plain(part_cfg))
    with registry_errors_as_clae_errors():
        if MODELS.get(part_cfg.get('type')) is None:
            raise CLAEError(f'model.{name}.type={part_cfg.get("type")!r} is not a registered '
                            'module; pass the CONFIG it was trained with')
        try:
            return MODELS.build(part_cfg)
        except (TypeError, ValueError, KeyError, AssertionError) as exc:
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise CLAEError(f'model.{name} cannot be built ({detail}); pass the CONFIG (and '
                            '--cfg-options) it was trained with') from None


def trained_part(model_cfg: dict, name: str, state_dict: dict, args) -> torch.nn.Module:
    """model.<name> as it was trained (dual BNs where the model had them), with the
    checkpoint's ``<name>.*`` weights loaded strictly."""
    part = build_part(model_cfg[name], name)
    if model_cfg.get('dual_bn') is not None:  # every method converts its backbone and neck
        try:
            part = convert_dual_bn(part, **model_cfg['dual_bn'])
        except TypeError as exc:
            raise CLAEError(f'model.dual_bn={model_cfg["dual_bn"]!r} cannot be applied ({exc}); '
                            'it takes adv_bn_momentum') from None
    prefix = f'{name}.'
    weights = {key[len(prefix):]: value for key, value in state_dict.items()
               if key.startswith(prefix)}
    mismatch = describe_mismatch(state_dict_mismatch(part.state_dict(), weights))
    if mismatch:
        settings = f"the model recorded in {args.checkpoint}" if recorded_config(args.loaded) \
            else args.config
        raise CLAEError(f'checkpoint {args.checkpoint} does not fit model.{name} of {settings}: '
                        f'{mismatch}; pass the CONFIG (and --cfg-options) it was trained with')
    part.load_state_dict(weights, strict=True)
    part.eval()  # mmpretrain's ResNet.train() returns None
    return part


def stock_config(part_cfg: dict) -> dict:
    """The stock module of a trained one: a dual-BN backbone's mmpretrain base class, the
    same arguments but the dual-BN ones; anything else as it is."""
    stock = without_init_cfg(plain(part_cfg))
    if stock.get('type') in STOCK_TYPES:
        stock['type'] = STOCK_TYPES[stock['type']]
        for key in DUAL_ONLY_ARGUMENTS:
            stock.pop(key, None)
    return stock


def stock_part(trained: torch.nn.Module, stock_cfg: dict, name: str, args) -> dict:
    """The clean weights of ``trained``, checked to load strictly into the stock module."""
    weights = clean_state_dict(trained.state_dict())
    stock = build_part(stock_cfg, name)
    mismatch = describe_mismatch(state_dict_mismatch(stock.state_dict(), weights))
    if mismatch:
        raise CLAEError(f'model.{name} cannot be converted: its clean weights do not fit the '
                        f'stock {stock_cfg["type"]} ({mismatch})')
    stock.load_state_dict(weights, strict=True)
    return stock.state_dict()


def torchvision_arch(stock_cfg: dict, stock_state: dict) -> str:
    """The torchvision ResNet the stock backbone is, or a one-line refusal."""
    from mmpretrain.models import ResNet, ResNet_CIFAR
    from clae_mm.registry import MODELS
    kind = stock_cfg.get('type')
    cls = MODELS.get(kind)
    if cls is ResNet_CIFAR:
        raise CLAEError(
            "--format torchvision: ResNet_CIFAR's stem (a 3x3 stride-1 conv1, no max-pool) has "
            "no place in torchvision's ResNet (a 7x7 stride-2 conv1 and a max-pool); use "
            "--format mmpretrain and mmpretrain's ResNet_CIFAR")
    if cls is not ResNet:
        raise CLAEError(f'--format torchvision converts mmpretrain ResNet backbones of depth '
                        f'{"/".join(map(str, TORCHVISION_RESNETS))}, not {kind}; use --format '
                        'mmpretrain')
    backbone = MODELS.build(dict(stock_cfg))
    if backbone.depth not in TORCHVISION_RESNETS:
        raise CLAEError(f'--format torchvision: torchvision has no ResNet-{backbone.depth} '
                        f'(it has {", ".join(TORCHVISION_RESNETS.values())}); use --format '
                        'mmpretrain')
    differ = [f'{key}={getattr(backbone, key)!r} (torchvision: {value!r})'
              for key, value in TORCHVISION_LAYOUT.items()
              if (tuple(getattr(backbone, key)) if isinstance(value, tuple)
                  else getattr(backbone, key)) != value]
    if backbone.conv1.in_channels != 3:
        differ.append(f'in_channels={backbone.conv1.in_channels} (torchvision: 3)')
    if differ:
        raise CLAEError(f"--format torchvision: this ResNet is not torchvision's layout: "
                        f'{", ".join(differ)}; use --format mmpretrain')
    import torchvision
    arch = TORCHVISION_RESNETS[backbone.depth]
    with torch.device('meta'):
        reference = getattr(torchvision.models, arch)()
    reference.fc = torch.nn.Identity()
    mismatch = describe_mismatch(state_dict_mismatch(reference.state_dict(), stock_state))
    if mismatch:  # a guard: the layout checks above should have caught it
        raise CLAEError(f'--format torchvision: the weights do not fit torchvision {arch} '
                        f'({mismatch}); use --format mmpretrain')
    return arch


# --------------------------------------------------------------------------- #
def converted_from(args, checkpoint: dict) -> dict:
    meta = checkpoint.get('meta') if isinstance(checkpoint.get('meta'), dict) else {}
    source = dict(checkpoint=args.checkpoint,
                  config=args.config or "meta['cfg'] of the checkpoint (read as literals)",
                  epoch=plain_value(meta.get('epoch')), iter=plain_value(meta.get('iter')))
    if args.cfg_options:
        source['cfg_options'] = {str(k): plain(v) for k, v in args.cfg_options.items()}
    settings = recorded_training_settings(meta)
    if settings is not None:
        source['training_settings'] = settings
    return source


def convert(args) -> None:
    if args.with_neck and args.format == 'torchvision':
        raise CLAEError("--with-neck: torchvision's ResNet has no neck; drop --with-neck or "
                        'use --format mmpretrain')
    if osp.exists(args.out) and osp.exists(args.checkpoint) \
            and osp.samefile(args.out, args.checkpoint):
        raise CLAEError(f'--out {args.out} is the checkpoint itself; write the converted '
                        'weights to another file')
    register_all_modules()
    checkpoint = args.loaded = safe_load_checkpoint(args.checkpoint)
    if not isinstance(checkpoint, dict):
        raise CLAEError(f'checkpoint {args.checkpoint} holds a {type(checkpoint).__name__}, '
                        'not a state dict')
    state_dict = checkpoint.get('state_dict', checkpoint)
    cfg = model_config(args, checkpoint)
    model_cfg = cfg.model
    parts = ['backbone'] + (['neck'] if args.with_neck else [])
    for name in parts:
        if not isinstance(model_cfg.get(name), dict):
            raise CLAEError(f'the model has no {name} to convert (model.{name} is '
                            f'{model_cfg.get(name)!r})')

    weights, stock_cfgs, dual_layers = {}, {}, 0
    for name in parts:
        trained = trained_part(model_cfg, name, state_dict, args)
        dual_layers += sum(isinstance(m, DualBatchNorm) for m in trained.modules())
        stock_cfgs[name] = stock_config(model_cfg[name])
        state = stock_part(trained, stock_cfgs[name], name, args)
        weights.update({f'{name}.{key}': value for key, value in state.items()})
    normalisation = input_normalisation(cfg)
    meta = dict(converted_from=converted_from(args, checkpoint), format=args.format,
                tool='tools/model_converters/clae_to_mmpretrain.py',
                input_normalisation=normalisation, **stock_cfgs)
    if args.format == 'torchvision':
        weights = {key[len('backbone.'):]: value for key, value in weights.items()}
        meta['torchvision_arch'] = torchvision_arch(stock_cfgs['backbone'], weights)

    folder = osp.dirname(osp.abspath(args.out))
    try:
        os.makedirs(folder, exist_ok=True)
        atomic_write(args.out, lambda f: torch.save(dict(state_dict=weights, meta=meta), f),
                     mode='wb')
    except OSError as exc:
        raise CLAEError(f'cannot write {args.out} ({type(exc).__name__}: {exc.strerror or exc}); '
                        'choose a writable path with free space') from None
    loads_into = (f"torchvision.models.{meta.get('torchvision_arch')}() with fc = Identity()"
                  if args.format == 'torchvision' else
                  f"{stock_cfgs['backbone']['type']} (init_cfg=dict(type='Pretrained', "
                  f"checkpoint='{args.out}', prefix='backbone.'))")
    dual = (f'{dual_layers} dual BatchNorms: clean branch kept, adversarial dropped'
            if dual_layers else 'no dual BatchNorm')
    print(f'wrote {args.out}: {len(weights)} tensors of {" and ".join(parts)} ({dual}); loads '
          f'strictly into {loads_into}')
    if normalisation:
        print('the encoder was pre-trained on images normalised with '
              + ', '.join(f'{key}={value}' for key, value in normalisation.items())
              + ': normalise downstream images the same way (data_preprocessor)')


def main(argv=None) -> int:
    args = parse_args(argv)
    return exit_code(lambda: convert(args))


if __name__ == '__main__':
    sys.exit(main())
