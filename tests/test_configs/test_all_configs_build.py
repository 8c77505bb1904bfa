"""Every config under configs/ (bases excluded) loads and builds its model,
and every dataset, transform and hook it names is registered."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config

from clae_mm.models.utils.dual_bn import has_dual_bn
from clae_mm.registry import DATASETS, HOOKS, LOOPS, METRICS, MODELS, TRANSFORMS
from clae_mm.utils import register_all_modules

register_all_modules()
REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(osp.relpath(path, REPO) for path in glob.glob(osp.join(REPO, 'configs', '**', '*.py'),
                                                                recursive=True)
                 if f'{osp.sep}_base_{osp.sep}' not in path)


def _dataset_cfgs(cfg):
    found = []
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        if cfg.get(key):
            found.append(cfg[key]['dataset'])
    for key in ('val_cfg', 'test_cfg'):  # the bank of the evaluation loops
        if cfg.get(key) and cfg[key].get('bank'):
            found.append(cfg[key]['bank']['dataset'])
    return [d for d in found if d is not None]


def _transform_types(pipeline):
    for step in pipeline:
        yield step['type']
        for branch in step.get('transforms', []):  # MultiView
            yield from _transform_types(branch if isinstance(branch, list) else [branch])


def test_the_paper_configs_exist():
    names = {osp.basename(path) for path in CONFIGS}
    for method in ('plain', 'uel', 'simclr'):
        for dataset in ('cifar10', 'cifar100', 'tinyimagenet'):
            assert {f'{method}_r18_{dataset}.py', f'{method}_r18_{dataset}_eps0.py'} <= names
    for depth in (50, 101):
        assert {f'simclr_r{depth}_cifar100.py', f'simclr_r{depth}_cifar100_eps0.py'} <= names
    probes = {osp.basename(p) for p in CONFIGS if '/linear_probe/' in p}
    for target in ('cifar10', 'cifar100', 'cars', 'aircraft', 'dtd', 'pets', 'caltech101', 'flowers102'):
        assert {f'{target}.py', f'{target}_eps0.py'} <= probes


@pytest.mark.parametrize('config', CONFIGS)
def test_config_builds(config):
    cfg = Config.fromfile(osp.join(REPO, config))
    model_cfg = cfg.model.copy()
    if cfg.get('data_preprocessor') is not None:
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    model = MODELS.build(model_cfg)
    assert sum(p.numel() for p in model.parameters()) > 0
    adversarial = (cfg.get('default_hooks') or {}).get('adversarial')
    if adversarial is not None and adversarial.get('eps', 0) > 0:
        assert has_dual_bn(model), 'CLAE (eps > 0) needs dual BNs'
    if config.endswith('_eps0.py'):  # the authors' baselines have plain BNs
        assert not has_dual_bn(model) and adversarial['eps'] == 0
    for dataset in _dataset_cfgs(cfg):
        assert DATASETS.get(dataset['type']) is not None, dataset['type']
        for name in _transform_types(dataset.get('pipeline', [])):
            assert TRANSFORMS.get(name) is not None, name
    for hook in list((cfg.get('default_hooks') or {}).values()) + list(cfg.get('custom_hooks') or []):
        if hook is not None:
            assert HOOKS.get(hook['type']) is not None, hook['type']
    # Evaluation: every config that trains with the kNN validation, or scores with
    # tools/test.py, names registered loops and buildable metrics.
    for loop in ('val_cfg', 'test_cfg'):
        if cfg.get(loop):
            assert LOOPS.get(cfg[loop]['type']) is not None, cfg[loop]['type']
    assert cfg.get('test_cfg') and cfg.get('test_dataloader'), 'tools/test.py needs test_*'
    for key in ('val_evaluator', 'test_evaluator'):
        evaluator = cfg.get(key) or []
        for metric in [evaluator] if isinstance(evaluator, dict) else evaluator:
            METRICS.build(metric)
