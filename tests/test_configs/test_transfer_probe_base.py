"""The Table 2 probe configs share configs/_base_/transfer_linear_probe.py: a
leaf names its set and splits, the loaders, pipeline and probe are the base's."""
import glob
import os.path as osp

from mmengine.config import Config

from tests.conftest import REPO

BASE_PIPELINE = ['LoadRGBImageFromFile', 'ResizeEdge', 'CenterCrop', 'PackInputs']


def test_each_probe_states_only_its_set():
    leaves = sorted(glob.glob(osp.join(REPO, 'configs/transfer/linear_probe/*.py')))
    assert len(leaves) == 16
    for path in leaves:
        cfg = Config.fromfile(path)
        assert cfg.val_dataloader.dataset == cfg.test_dataloader.dataset, path
        assert cfg.val_cfg.bank.dataset == cfg.test_cfg.bank.dataset, path
        scored, bank = cfg.test_dataloader.dataset, cfg.test_cfg.bank.dataset
        assert set(scored) == set(bank) == {'type', 'data_root', 'split', 'pipeline'}, path
        assert scored.type == bank.type and scored.data_root == bank.data_root
        assert scored.split == 'test' and bank.split in ('train', 'trainval')
        steps = [step['type'] for step in scored.pipeline]
        cifar = osp.basename(path).startswith('cifar')
        assert steps == (['Resize', 'PackInputs'] if cifar else BASE_PIPELINE), path
        assert [e['type'] for e in cfg.test_evaluator] == ['KNNAccuracy', 'LinearProbeAccuracy']
        probe = cfg.test_evaluator[1]
        assert (probe.stage, probe.epochs, probe.batch_size, probe.lr) == ('backbone', 1000, 256, 3e-4)
        with open(path) as f:
            assert len(f.read().splitlines()) <= 12, f'{path} repeats what its base says'
