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
