import json
import os.path as osp

import pytest

from tests.test_tools.test_analysis.tool_loader import load_tool, read_png

vis_tsne = load_tool('vis_tsne', 'visualization')


def test_two_checkpoints_side_by_side_with_their_knn_scores(simclr_run, tmp_path):
    config, work_dir = simclr_run['config'], simclr_run['work_dir']
    out = str(tmp_path)
    # every test image (8) as a query and the whole training set (40) as the bank: the
    # kNN validation of the training run scored the same. The first run is rebuilt from the
    # config its checkpoint records, the second from CONFIG with the recorded model.
    assert vis_tsne.main([osp.join(work_dir, 'epoch_1.pth'), config,
                          osp.join(work_dir, 'epoch_2.pth'), '--labels', 'epoch 1', 'epoch 2',
                          '--data-root', simclr_run['data_root'], '--cfg-options',
                          *simclr_run['cfg_options'], '--out-dir', out]) == 0
    image = read_png(osp.join(out, 'tsne.png'))
    assert image.shape[:2] == (460, 2 * 420 + 150) and image[..., :3].std() > 0.05
    numbers = json.load(open(osp.join(out, 'tsne.json')))
    assert numbers['num_samples'] == 8 and [run['label'] for run in numbers['runs']] == [
        'epoch 1', 'epoch 2']
    history = {entry['step']: entry for entry in json.load(open(osp.join(work_dir,
                                                                          'knn_history.json')))}
    for epoch, run in enumerate(numbers['runs'], 1):
        assert (run['stage'], run['k'], run['sigma'], run['num_bank']) == (
            history[epoch]['stage'], 200, history[epoch]['sigma'], 40)
        assert run['knn']['top1'] == pytest.approx(history[epoch]['knn/top1'])
        assert run['perplexity'] == pytest.approx(7 / 3)  # below the 8 samples


def test_a_config_without_its_checkpoint_is_a_one_line_error(simclr_run, tmp_path, capsys):
    assert vis_tsne.main([simclr_run['checkpoint'], simclr_run['config'],
                          '--out-dir', str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"error: {simclr_run['config']} is not followed by a checkpoint")
    assert error.count('\n') == 1 and not osp.exists(tmp_path / 'tsne.png')
