"""tools/benchmarks/gpu_check.py end to end on the CPU, in the tiny setting
docs/benchmarks.md names at half its batch, so that it works the first time a GPU runs it."""
import json
import os.path as osp
import subprocess
import sys

import pytest

from tests.conftest import REPO, TINY_ENCODER, tool_env

sys.path.insert(0, osp.join(REPO, 'tools', 'benchmarks'))
import gpu_check  # noqa: E402

TINY_RUN = ['--device', 'cpu', '--threads', '1', '--batch-size', '4', '--iters', '3',
            '--warmup', '1', '--train-iters', '10', '--train-images', '20',
            '--train-workers', '0', '--log-interval', '2', '--precision-steps', '3']


@pytest.fixture(scope='module')
def check(tmp_path_factory):
    """The tool's main(argv) in this process; its training part is a process of its own
    (tools/train.py, killed at its time limit), as on a GPU."""
    out = tmp_path_factory.mktemp('gpu_check')
    assert gpu_check.main([str(out), *TINY_RUN, '--cfg-options', *TINY_ENCODER]) == 0
    return json.loads((out / 'gpu_check.json').read_text()), (out / 'gpu_check.md').read_text()


def test_the_shell_script_passes_its_arguments_and_stops_the_run_at_its_limit(tmp_path):
    """gpu_check.sh: PYTHON (a stand-in that records its arguments and hangs) runs the tool
    with the out dir and the options; at GPU_CHECK_TIMEOUT_S the run is stopped and says so."""
    python = tmp_path / 'python'
    python.write_text('#!/bin/sh\necho "$@" > "$(dirname "$0")/args"\nexec sleep 60\n')
    python.chmod(0o755)
    proc = subprocess.run(['bash', osp.join(REPO, 'tools', 'benchmarks', 'gpu_check.sh'),
                           str(tmp_path / 'out'), '--iters', '3'], capture_output=True, text=True,
                          timeout=60, env=tool_env(PYTHON=str(python), GPU_CHECK_TIMEOUT_S='1'))
    assert proc.returncode == 124
    assert 'stopped at its 1 s limit' in proc.stderr
    assert (tmp_path / 'args').read_text().split() == [
        osp.join(REPO, 'tools', 'benchmarks', 'gpu_check.py'), str(tmp_path / 'out'), '--iters', '3']


def test_times_every_method_interleaved_with_its_flops(check):
    result, _ = check
    assert list(result['timing']) == ['simclr', 'plain', 'uel']
    assert not result['skipped'] and not result['failed']
    for method, timing in result['timing'].items():
        assert timing['rounds'] == 3 and timing['steps_per_epoch'] == 50000 // 4
        assert 1.5 < timing['flop_ratio_clae_vs_baseline'] < 2.2, method
        assert timing['ratio_clae_vs_baseline'] > 0
        for mode, m in timing['modes'].items():
            assert len(m['times_s']) == 3 and m['images_per_s'] == pytest.approx(4 / m['median_s'])
            assert m['epoch_s'] == pytest.approx(timing['steps_per_epoch'] * m['median_s'])
            assert m['achieved_tflops'] > 0
            assert m['fraction_of_peak_bf16'] is None  # no peak known for a CPU
    simclr = result['timing']['simclr']['modes']
    assert (simclr['baseline']['forwards_per_iter'], simclr['clae']['forwards_per_iter']) == (2, 4)


def test_every_pass_runs_in_bf16_and_the_model_step_reads_nothing_back(check):
    # bf16 autocast covers the views, the attack's input-only backward, L_adv and
    # the backward (the CPU autocast stands in for the GPU's); the step itself
    # (preprocessor, loss, backward, update) makes no host synchronisation. Only
    # the contrastive loss's similarity matrices stay float32 (CLAELoss: about
    # 0.01 % of the FLOPs at this batch).
    result, _ = check
    for timing in result['timing'].values():
        for m in timing['modes'].values():
            assert m['bf16_flop_fraction'] > 0.999
            assert set(m['flops_by_dtype']) == {'bfloat16', 'float32'}
            assert m['host_syncs_per_step'] == 0, m['host_sync_sites']


def test_a_real_train_run_reports_its_data_time_and_audits_a_loop_iteration(check):
    result, _ = check
    train = result['train']
    assert train['status'] == 'ok', train
    assert train['epochs'] == 2 and train['iterations'] == 10
    assert 0 < train['data_time_s'] < train['iteration_s']
    assert train['data_time_fraction'] == pytest.approx(train['data_time_s'] / train['iteration_s'])
    audit = train['loop_audit']
    assert audit['low_precision_fraction'] > 0.999
    # mmengine's RuntimeInfoHook reads loss, loss_aug and loss_adv every iteration
    assert audit['host_sync_sites'].get('mmengine/logging/message_hub.py:346 (_get_valid_value)') == 3
    assert not any(site.startswith('clae_mm/models') for site in audit['host_sync_sites'])


def test_bf16_and_fp32_runs_start_equal_and_differ_a_little(check):
    result, _ = check
    precision = result['bf16_vs_fp32']
    assert precision['steps'] == 3 and len(precision['loss_bf16']) == 3
    assert 0 < precision['final_abs_difference'] < 0.05 * abs(precision['final_loss_fp32'])
    assert 0 < precision['weights_apart_vs_moved'] < 2


def test_compile_auto_is_skipped_on_the_cpu_with_its_reason(check):
    result, summary = check
    assert result['compile']['status'].startswith('skipped: --compile auto compiles on CUDA only')
    assert 'torch.compile: skipped: --compile auto' in summary


def test_the_compiled_encoder_routes_through_both_bns(tmp_path):
    # The compile part in-process with dynamo's eager backend: the dual-BN
    # routing and the momentum changes of the attack trace and recompile.
    args = gpu_check.parse_args([str(tmp_path), *TINY_RUN, '--iters', '2', '--compile', 'on',
                                 '--compile-backend', 'eager', '--cfg-options', *TINY_ENCODER,
                                 'default_hooks.adversarial.gain_interval=2'])
    gpu_check.register_all_modules()
    torch = gpu_check.torch
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the tool's --threads 1: tiny ops gain nothing from more
    try:
        result = gpu_check.compile_part(args, torch.device('cpu'), str(tmp_path))
    finally:
        torch.set_num_threads(threads)
    assert result['status'] == 'ok' and result['backend'] == 'eager' and result['warmup_steps'] == 3
    assert set(result['median_s']) == {'baseline', 'clae', 'baseline_compiled', 'clae_compiled'}
    assert result['speedup_clae'] > 0 and result['ratio_clae_vs_baseline_compiled'] > 0


def test_summary_states_the_targets(check):
    _, summary = check
    assert 'CLAE-SimCLR / baseline step time <= 1.9' in summary
    assert 'data time < 5 % of the iteration' in summary
    assert 'n/a (not this GPU class)' in summary  # the 10 s epoch is an H100/H200 target


@pytest.mark.parametrize('name,tflops', [
    ('NVIDIA H100 80GB HBM3', 989.0), ('NVIDIA H100 PCIe', 756.0), ('NVIDIA H100 NVL', 835.0),
    ('NVIDIA H200', 989.0), ('NVIDIA GH200 480GB', 989.0), ('NVIDIA A100-SXM4-80GB', 312.0),
    ('NVIDIA A100 80GB PCIe', 312.0), ('NVIDIA L40S', 362.0), ('NVIDIA L40', 181.0),
    ('NVIDIA L4', 121.0), ('NVIDIA A10', 125.0), ('NVIDIA A10G', None), ('Tesla V100-SXM2-16GB', None)])
def test_peak_bf16_lookup(name, tflops):
    assert gpu_check.peak_bf16_tflops(name) == tflops
