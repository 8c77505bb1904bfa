"""tools/model_converters/clae_to_mmpretrain.py: the clean encoder of a clae_mm checkpoint loads
strictly into mmpretrain's stock backbone and torchvision's ResNet and computes clae_mm's clean
features; mmpretrain's own CIFAR-10 classification config trains on it; what cannot be
converted is refused in one line."""
import os
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from torch.nn.modules.batchnorm import _BatchNorm

from clae_mm.models.utils import adversarial_bn
from clae_mm.registry import MODELS
from clae_mm.utils import register_all_modules
from clae_mm.utils.safe_load import safe_load_checkpoint
from clae_mm.utils.training_settings import training_settings
from tests.conftest import REPO, TINY_ENCODER, load_tool, run_tool

register_all_modules()
SIMCLR_CIFAR = osp.join(REPO, 'configs/clae/simclr_r18_cifar10.py')
SIMCLR_IMAGENET = osp.join(REPO, 'configs/transfer/simclr_r18_imagenet100.py')
DOWNSTREAM = osp.join(REPO, 'configs/downstream/resnet18_linear_cifar10.py')
TINY = {option.split('=')[0]: int(option.split('=')[1]) for option in TINY_ENCODER}


TOOL = load_tool('model_converters/clae_to_mmpretrain.py')


def save_checkpoint(path, config, options=None):
    """A checkpoint as mmengine's Runner writes it (``meta['cfg']`` is ``cfg.pretty_text``,
    ``meta['training_settings']`` PlainCheckpointStateHook's), of a model whose every BN
    branch holds its own random weights and statistics, so a branch mixed up or left at its
    initial values changes the features. Returns the model, in eval mode."""
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(options or {})
    model = MODELS.build(cfg.model)
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, _BatchNorm) and module.affine:
                size = module.num_features
                module.weight.copy_(0.5 + torch.rand(size, generator=generator))
                module.bias.copy_(torch.randn(size, generator=generator) * 0.2)
                module.running_mean.copy_(torch.randn(size, generator=generator) * 0.2)
                module.running_var.copy_(0.5 + torch.rand(size, generator=generator))
    meta = dict(epoch=2, iter=10, cfg=cfg.pretty_text, training_settings=training_settings(cfg))
    torch.save(dict(meta=meta, state_dict=model.state_dict()), path)
    return model.eval()


@pytest.fixture(scope='module')
def checkpoints(tmp_path_factory):
    folder = tmp_path_factory.mktemp('clae_checkpoints')
    made = {}
    variants = dict(
        # DualBNResNet_CIFAR (the configs' backbone) and a projection without BN.
        dual_backbone=(SIMCLR_CIFAR, TINY),
        # A stock BN backbone made dual by the model's dual_bn=, and a neck with a (dual) BN.
        dual_bn_option=(SIMCLR_CIFAR, dict(TINY, **{
            'model.backbone.type': 'ResNet_CIFAR', 'model.dual_bn': dict(adv_bn_momentum=0.01),
            'model.neck.norm_cfg': dict(type='BN1d')})),
        imagenet_stem_tiny=(SIMCLR_IMAGENET, TINY),
        resnet_v1c=(SIMCLR_CIFAR, dict(TINY, **{
            'model.backbone.type': 'ResNetV1c', 'model.dual_bn': dict(adv_bn_momentum=0.01)})),
    )
    for name, (config, options) in variants.items():
        path = str(folder / f'{name}.pth')
        made[name] = dict(path=path, model=save_checkpoint(path, config, options))
    return made


def convert(*argv):
    assert TOOL.main([str(a) for a in argv]) == 0
    return torch.load(argv[argv.index('--out') + 1], weights_only=True)


def max_diff(a, b):
    return (a - b).abs().max().item()


@pytest.mark.parametrize('variant', ['dual_backbone', 'dual_bn_option'])
def test_the_converted_backbone_is_the_clean_encoder(checkpoints, variant, tmp_path):
    from mmpretrain.models import ResNet_CIFAR

    from clae_mm.models.necks import ContrastiveProjection
    source = checkpoints[variant]
    out = tmp_path / 'encoder.pth'
    converted = convert(source['path'], '--out', out, '--with-neck')
    assert converted['meta']['backbone']['type'] == 'ResNet_CIFAR'
    weights = converted['state_dict']
    stock = ResNet_CIFAR(depth=18, base_channels=8, stem_channels=8)
    stock.eval()  # (mmpretrain's ResNet.train returns None)
    stock.load_state_dict({k[9:]: v for k, v in weights.items() if k.startswith('backbone.')},
                          strict=True)
    images = torch.randn(4, 3, 32, 32, generator=torch.Generator().manual_seed(1))
    model = source['model']
    with torch.no_grad():
        clean = model.backbone(images)[-1]
        assert max_diff(stock(images)[-1], clean) <= 1e-6
        with adversarial_bn(model):  # the branch the converter must not take
            assert max_diff(model.backbone(images)[-1], clean) > 1e-3
        # The case: mmpretrain's own Pretrained init now loads the BNs too.
        initialised = ResNet_CIFAR(depth=18, base_channels=8, stem_channels=8, init_cfg=dict(
            type='Pretrained', checkpoint=str(out), prefix='backbone.'))
        initialised.init_weights()
        initialised.eval()
        assert max_diff(initialised(images)[-1], clean) <= 1e-6

        neck = ContrastiveProjection(**{k: v for k, v in converted['meta']['neck'].items()
                                        if k != 'type'}).eval()
        neck.load_state_dict({k[5:]: v for k, v in weights.items() if k.startswith('neck.')},
                             strict=True)
        assert max_diff(neck(stock(images))[1], model.neck(model.backbone(images))[1]) <= 1e-6
    assert not [name for name in os.listdir(tmp_path) if name.endswith('.partial')]


def test_a_resnet18_loads_strictly_into_torchvision_and_mmpretrain(tmp_path):
    import torchvision
    from mmpretrain.models import ResNet
    model = save_checkpoint(str(tmp_path / 'r18.pth'), SIMCLR_IMAGENET)  # full width, 7x7 stem
    images = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        clean = model.backbone(images)[-1]
    converted = convert(tmp_path / 'r18.pth', '--out', tmp_path / 'tv.pth',
                        '--format', 'torchvision')
    assert converted['meta']['torchvision_arch'] == 'resnet18'
    resnet18 = torchvision.models.resnet18()
    resnet18.fc = torch.nn.Identity()
    resnet18.load_state_dict(converted['state_dict'], strict=True)
    stock = ResNet(depth=18)
    weights = convert(tmp_path / 'r18.pth', '--out', tmp_path / 'mm.pth')['state_dict']
    stock.load_state_dict({k[9:]: v for k, v in weights.items()}, strict=True)
    with torch.no_grad():
        assert max_diff(resnet18.eval()(images), clean.mean((2, 3))) <= 1e-6
        stock.eval()
        assert max_diff(stock(images)[-1], clean) <= 1e-6


def test_mmpretrains_cifar10_config_trains_on_the_converted_backbone(checkpoints, cifar10_root,
                                                                       tmp_path):
    encoder = tmp_path / 'encoder.pth'
    weights = convert(checkpoints['dual_backbone']['path'], '--out', encoder)['state_dict']
    work_dir = tmp_path / 'linear'
    assert run_tool(
        'train.py', DOWNSTREAM, '--work-dir', str(work_dir), '--data-root', cifar10_root,
        '--cfg-options', f'model.backbone.init_cfg.checkpoint={encoder}',
        'model.backbone.base_channels=8', 'model.backbone.stem_channels=8',
        'model.head.in_channels=64', 'train_dataloader.batch_size=8',
        'train_dataloader.num_workers=0', 'val_dataloader.num_workers=0',
        'train_cfg.max_epochs=1') == 0
    trained = safe_load_checkpoint(str(work_dir / 'epoch_1.pth'))['state_dict']
    # frozen_stages=4: the backbone, BN statistics included, is the converted one.
    assert all(torch.equal(trained[key], value) for key, value in weights.items())


def _no_config(path):
    checkpoint = torch.load(path, weights_only=True)
    del checkpoint['meta']['cfg']
    return checkpoint


def _code_in_config(path, marker):
    checkpoint = torch.load(path, weights_only=True)
    checkpoint['meta']['cfg'] = f"model = __import__('pathlib').Path({str(marker)!r}).touch()\n"
    return checkpoint


def _config_text(text):
    def crafted(path):
        checkpoint = torch.load(path, weights_only=True)
        checkpoint['meta']['cfg'] = text
        return checkpoint
    return crafted


# Types whose arguments reach a model hub (timm, Hugging Face's trust_remote_code).
_timm_backbone = _config_text("model = dict(backbone=dict(type='TIMMBackbone', "
                              "model_name='resnet18', pretrained=True))\n")
_hub_layer = _config_text("model = dict(backbone=dict(type='ResNet_CIFAR', depth=18, act_cfg=dict("
                          "type='HuggingFaceClassifier', model_name='someone/model', "
                          "pretrained=True, trust_remote_code=True)))\n")


@pytest.mark.parametrize('case, extra, expected', [
    ('dual_backbone', ['--format', 'torchvision'], "ResNet_CIFAR's stem (a 3x3 stride-1 conv1"),
    ('dual_backbone', ['--format', 'torchvision', '--with-neck'], "ResNet has no neck"),
    ('imagenet_stem_tiny', ['--format', 'torchvision'],
     "not torchvision's layout: stem_channels=8 (torchvision: 64), base_channels=8"),
    ('resnet_v1c', ['--format', 'torchvision'], 'not ResNetV1c; use --format mmpretrain'),
    ('dual_backbone', ['--cfg-options', 'model.backbone.depth=34'],
     'does not fit model.backbone of the model recorded in '),
    (_no_config, [], 'records no config that can be read as data'),
    (_code_in_config, [], 'records no config that can be read as data'),
    (_timm_backbone, [], 'names model.backbone.type TIMMBackbone (mmpretrain.models.backbones.'
     'timm_backbone), which is not built from settings found in a checkpoint'),
    (_hub_layer, [], 'names model.backbone.act_cfg.type HuggingFaceClassifier '
     '(mmpretrain.models.classifiers.hugging_face), which is not built'),
])
def test_what_cannot_be_converted_is_refused_in_one_line(checkpoints, case, extra, expected,
                                                         tmp_path, capsys):
    marker = tmp_path / 'executed'
    if callable(case):
        source = str(tmp_path / 'crafted.pth')
        made = case(checkpoints['dual_backbone']['path'], marker) if case is _code_in_config \
            else case(checkpoints['dual_backbone']['path'])
        torch.save(made, source)
    else:
        source = checkpoints[case]['path']
    out = tmp_path / 'out' / 'encoder.pth'
    assert TOOL.main([source, *extra, '--out', str(out)]) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith('error:')]
    assert len(errors) == 1 and expected in errors[0], errors
    assert not out.exists() and not marker.exists()
    if case is _code_in_config:  # the payload is live: the config text, run, makes the marker
        Config.fromstring(torch.load(source, weights_only=True)['meta']['cfg'], '.py')
        assert marker.exists()
