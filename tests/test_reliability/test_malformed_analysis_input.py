"""Malformed inputs of the analysis tools (a string step, a NaN score, nesting
deep enough to exhaust the JSON parser) are one line, exit 2: not a
traceback, and not a `nan` in a table or a plot."""
import json
import os.path as osp

import pytest

from tests.conftest import load_tool

DEEP = '[' * 100000 + ']' * 100000  # RecursionError inside json.loads


def tool(path: str):
    return load_tool(osp.relpath(path, 'tools'))


def one_line(capsys, code: int) -> str:
    err = capsys.readouterr().err
    assert code == 2 and len(err.splitlines()) == 1 and err.startswith('error: '), err[-2000:]
    return err.strip()


def knn_result(path, **changes) -> str:
    """A knn_eval.py result file (its layout), with ``changes``."""
    result = dict(result_type='knn_eval', config='/runs/c.py', checkpoint='/runs/epoch_2.pth',
                  method='simclr', eps=0.03, dataset='CIFAR10', pretrain_dataset='CIFAR10',
                  feature='embedding', seed=0, epoch=2, max_epochs=2, k=200, sigma=0.1,
                  num_bank=40, num_query=8, training_source='checkpoint',
                  training=dict(method='simclr', dataset='CIFAR10', batch_size=8, embed_dim=64,
                                arch='ResNet-18', eps=0.03, alpha=1.0, attack='fgsm',
                                max_epochs=2),
                  last_epoch=dict(epoch=2, top1=40.0, top5=90.0),
                  epochs=[dict(epoch=2, top1=40.0, top5=90.0)])
    result.update(changes)
    path.write_text(json.dumps(result))  # writes NaN for a float nan, as the tools would
    return str(path)


RESULT_CASES = {
    'nan_score': (dict(last_epoch=dict(epoch=2, top1=float('nan'), top5=90.0)),
                  ': last_epoch.top1 is nan, not a number to report (a diverged run or a damaged '
                  'file); leave it out or make it again'),
    'string_step': (dict(epochs=[dict(epoch='2', top1=40.0, top5=90.0)]),
                    ": epochs[0].epoch must be an integer, got '2'"),
}


@pytest.mark.parametrize('case', sorted(RESULT_CASES))
@pytest.mark.parametrize('which', ['summarize_results', 'plot_ablation'])
def test_malformed_result_file(tmp_path, capsys, which, case):
    changes, problem = RESULT_CASES[case]
    path = knn_result(tmp_path / 'knn_eval_epoch_2.json', **changes)
    argv = [path] if which == 'summarize_results' else \
        [path, '--x', 'eps', '--out-dir', str(tmp_path / 'out')]
    error = one_line(capsys, tool(f'tools/analysis/{which}.py').main(argv))
    assert error == f'error: {path}{problem}'


@pytest.mark.parametrize('which', ['summarize_results', 'plot_ablation'])
def test_deeply_nested_result_file(tmp_path, capsys, which):
    path = tmp_path / 'knn_eval_epoch_2.json'
    path.write_text('{"result_type": "knn_eval", "x": %s}' % DEEP)
    argv = [str(path)] + ([] if which == 'summarize_results' else ['--x', 'eps'])
    error = one_line(capsys, tool(f'tools/analysis/{which}.py').main(argv))
    assert error == (f'error: {path} is nested too deeply to read (damaged or not written by '
                     'clae_mm); remove it or write it again')


def work_dir_with_log(tmp_path, *lines: str) -> str:
    log = tmp_path / 'run' / '20260101_000000' / 'vis_data' / 'scalars.json'
    log.parent.mkdir(parents=True)
    log.write_text('\n'.join(lines) + '\n')
    return str(tmp_path / 'run')


GOOD_LINE = '{"loss": 5.3, "loss_aug": 2.7, "loss_adv": 2.6, "time": 0.1, "epoch": 1, "iter": 1, ' \
    '"step": 1}'
LOG_CASES = {
    'string_step': ('{"knn/top1": 12.5, "step": "one"}', " line 2: step must be an integer, got "
                    "'one'"),
    'deep': ('{"loss": %s}' % DEEP, ' line 2 is nested too deeply to read (damaged or not written '
             'by clae_mm); remove it or write it again'),
    'string_value': ('{"loss": "5.3", "iter": 2, "step": 2}', " line 2: loss must be a number, "
                     "got '5.3'"),
}
LOG_TOOLS = {
    'plot_curves': lambda run, out: (tool('tools/analysis/plot_curves.py').main,
                                     [run, '--out-dir', out]),
    'analyze_logs': lambda run, out: (tool('tools/analysis_tools/analyze_logs.py').main,
                                      ['plot_curve', run, '--out', osp.join(out, 'c.png')]),
    'demo_summary': lambda run, out: (tool('tools/analysis/demo_summary.py').main, [run]),
}


@pytest.mark.parametrize('case', sorted(LOG_CASES))
@pytest.mark.parametrize('which', sorted(LOG_TOOLS))
def test_malformed_training_log(tmp_path, capsys, which, case):
    line, problem = LOG_CASES[case]
    run = work_dir_with_log(tmp_path, GOOD_LINE, line)
    main, argv = LOG_TOOLS[which](run, str(tmp_path / 'out'))
    error = one_line(capsys, main(argv))
    assert error == f'error: {run}/20260101_000000/vis_data/scalars.json{problem}'


def test_nan_knn_score_in_a_log_is_not_summarised(tmp_path, capsys):
    run = work_dir_with_log(tmp_path, GOOD_LINE, '{"knn/top1": NaN, "step": 1}')
    error = one_line(capsys, tool('tools/analysis/demo_summary.py').main([run]))
    assert error == (f'error: {run}/20260101_000000/vis_data/scalars.json (step 1): knn/top1 is '
                     'nan, not a number to report (a diverged run or a damaged file); leave it out '
                     'or make it again')


def test_malformed_knn_history(tmp_path, capsys):
    run = tmp_path / 'run'
    run.mkdir()
    (run / 'knn_history.json').write_text(json.dumps([
        {'step': 1, 'by_epoch': True, 'knn/top1': 12.5},
        {'step': 'two', 'by_epoch': True, 'knn/top1': 13.0}]))
    main = tool('tools/benchmarks/best_knn_checkpoint.py').main
    error = one_line(capsys, main([str(run)]))
    assert error == f"error: {run}/knn_history.json (step 'two'): step must be an integer, got 'two'"
