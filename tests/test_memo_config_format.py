"""The suite's memoised yapf (tests/memo_config_format.py) formats a config as yapf does."""
import os.path as osp

from mmengine.config import Config

from tests.conftest import REPO


def test_memoised_formatting_is_yapfs(monkeypatch):
    import mmengine.config.config as mmengine_config
    from yapf.yapflib.yapf_api import FormatCode
    cfg = Config.fromfile(osp.join(REPO, 'configs/clae/simclr_r18_cifar10.py'))
    assert getattr(mmengine_config.FormatCode, 'memoized', False)  # installed for the suite
    memoised = cfg.pretty_text
    assert cfg.pretty_text == memoised
    monkeypatch.setattr(mmengine_config, 'FormatCode', FormatCode)
    assert cfg.pretty_text == memoised
