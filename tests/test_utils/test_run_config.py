"""The config a checkpoint records, read as data: values come back, code never runs."""
import pytest

from clae_mm.utils.errors import CLAEError
from clae_mm.utils.run_config import config_of_run, parse_config_text, recorded_config


def test_mmengine_config_text_reads_back_as_data():
    text = ("model = dict(\n    backbone=dict(depth=18, type='DualBNResNet_CIFAR'),\n"
            "    type='CLAE')\nmean = [\n    127.5,\n]\nsize = (32, 32)\nresume = False\n")
    assert parse_config_text(text) == dict(
        model=dict(backbone=dict(depth=18, type='DualBNResNet_CIFAR'), type='CLAE'),
        mean=[127.5], size=(32, 32), resume=False)


@pytest.mark.parametrize('text', [
    "import os\nx = 1\n",
    "x = __import__('os').system('touch /tmp/pwned_by_checkpoint')\n",
    "x = open('/etc/passwd').read()\n",
    "x = dict(**{'a': 1})\n",
])
def test_anything_but_plain_assignments_of_literals_is_no_recorded_config(text, tmp_path):
    assert recorded_config({'meta': {'cfg': text}}) is None
    with pytest.raises(CLAEError, match='records no config that can be read as data'):
        config_of_run(None, {'meta': {'cfg': text}}, checkpoint_name='x.pth')


def test_the_recorded_model_wins_over_the_config_file_then_the_options():
    recorded = {'meta': {'cfg': "model = dict(type='CLAE', width=8)\ndata_preprocessor = "
                         "dict(mean=[1.0])\nwork = 'recorded'\n"},
                'state_dict': {}}
    cfg, name, note = config_of_run(None, recorded, ['model.width=16'], checkpoint_name='e.pth')
    assert (cfg.model.width, cfg.work, name) == (16, 'recorded', None)
    assert note == ('config: as recorded in e.pth (the training options included); '
                    'on top: --cfg-options model.width')


def test_a_recorded_model_that_reaches_a_model_hub_is_refused():
    """timm's and Hugging Face's wrappers take arguments that download or run code: a model
    recorded in a checkpoint may not name them, at any depth (initialisers aside)."""
    for model in ("dict(type='CLAE', backbone=dict(type='TIMMBackbone', model_name='x'))",
                  "dict(type='CLAE', neck=dict(type='ContrastiveProjection', "
                  "act_cfg=dict(type='HuggingFaceClassifier')))"):
        with pytest.raises(CLAEError, match='not built from settings found in a checkpoint'):
            config_of_run(None, {'meta': {'cfg': f'model = {model}\n'}}, checkpoint_name='x.pth')
    config_of_run(None, {'meta': {'cfg': "model = dict(type='CLAE', backbone=dict(type="
                                         "'DualBNResNet_CIFAR', init_cfg=dict(type='Kaiming')))\n"}})
