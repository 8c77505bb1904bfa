import json
import os.path as osp

from tests.conftest import REPO, TINY_ENCODER, load_tool, run_tool

MODES = ('baseline', 'clae', 'reference')


def test_speed_benchmark_writes_its_json(tmp_path, capsys):
    out = tmp_path / 'speed.json'
    assert run_tool('benchmarks/speed.py', osp.join(REPO, 'configs/clae/plain_r18_cifar10.py'),
                    '--iters', '2', '--warmup', '0', '--batch-size', '8', '--image-size', '16',
                    '--memory-iters', '1',
                    '--device', 'cpu', '--out', str(out), '--cfg-options', *TINY_ENCODER) == 0
    result = json.loads(out.read_text())
    for key in ('ratio_clae_vs_baseline', 'ratio_reference_vs_clae',
                'ratio_peak_mem_clae_vs_baseline'):
        assert isinstance(result[key], float) and result[key] > 0, key
    assert result['batch_size'] == 8 and result['image_size'] == 16 and result['interleaved']
    assert set(result['modes']) == set(MODES)
    for mode in MODES:
        m = result['modes'][mode]
        assert len(m['times_s']) == 2 and m['min_s'] <= m['median_s'] <= m['max_s']
        assert m['images_per_s'] > 0 and m['peak_memory_bytes'] > 0 and m['gflop_per_iter'] > 0
    # Passes counted by hooks: Plain's baseline embeds x1 and x2; CLAE adds one
    # attack forward (input-only backward) and adv(x1); the authors' schedule
    # attacks with query and key forwards, backpropagates into the parameters
    # and forwards the clean anchor again.
    counts = {mode: (result['modes'][mode]['forwards_per_iter'],
                     result['modes'][mode]['backwards_per_iter'],
                     result['modes'][mode]['parameter_backwards_per_iter']) for mode in MODES}
    assert counts == {'baseline': (2, 2, 1), 'clae': (4, 4, 1), 'reference': (6, 6, 2)}
    assert 1.5 < result['flop_ratio_clae_vs_baseline'] < 2.2
    assert 'time CLAE / baseline' in capsys.readouterr().out


def test_speed_benchmark_refuses_a_baseline_config(tmp_path, capsys):
    config = osp.join(REPO, 'configs/clae/simclr_r18_cifar10_eps0.py')
    assert run_tool('benchmarks/speed.py', config, '--iters', '1', '--memory-iters', '0',
                    '--cfg-options', *TINY_ENCODER) == 2
    error = capsys.readouterr().err
    assert error.strip().splitlines()[-1].startswith('error: ')
    assert 'eps=0' in error


def test_evaluation_timing_reads_the_configs_protocol(tmp_path):
    out = tmp_path / 'evaluation.json'
    assert run_tool('benchmarks/speed.py', osp.join(REPO, 'configs/clae/simclr_r18_cifar10.py'),
                    '--evaluation', '--bank-size', '300', '--query-size', '50',
                    '--probe-epochs', '2', '--device', 'cpu', '--out', str(out),
                    '--cfg-options', *TINY_ENCODER) == 0
    result = json.loads(out.read_text())
    # SimCLR: kNN on the 64-d projection, the probe on the pooled backbone feature
    assert result['knn']['stage'] == 'embedding' and result['knn']['dim'] == 64
    assert result['knn']['k'] == 200 and result['knn']['bank'] == 300
    assert result['linear_probe']['stage'] == 'backbone' and result['linear_probe']['dim'] == 64
    assert result['linear_probe']['epochs'] == 2 and result['linear_probe']['batch_size'] == 256
    assert result['knn']['seconds'] > 0 and result['linear_probe']['seconds'] > 0


def test_speed_benchmark_feeds_single_images_to_the_on_device_augmentation(tmp_path):
    leaf = tmp_path / 'simclr_r18_cifar10_gpu_aug.py'
    bases = ['_base_/models/simclr_r18_cifar.py', '_base_/datasets/cifar10_simclr_gpu_aug.py',
             '_base_/schedules/adam_100e.py', '_base_/default_runtime.py']
    leaf.write_text('_base_ = [%s]\n' % ', '.join(repr(osp.join(REPO, 'configs', b)) for b in bases))
    out = tmp_path / 'speed.json'
    assert run_tool('benchmarks/speed.py', str(leaf), '--modes', 'baseline', 'clae',
                    '--iters', '1', '--warmup', '0', '--batch-size', '8', '--memory-iters', '0',
                    '--device', 'cpu', '--amp', '--out', str(out),
                    '--cfg-options', *TINY_ENCODER) == 0
    result = json.loads(out.read_text())
    assert set(result['modes']) == {'baseline', 'clae'} and result['image_size'] == 32
    # --amp as tools/train.py --amp on the CPU
    assert result['precision'].startswith('bfloat16 autocast on cpu, no loss scale')
    assert result['ratio_clae_vs_baseline'] > 0 and result['ratio_reference_vs_clae'] is None
    assert result['modes']['clae']['forwards_per_iter'] == 4


def test_warm_up_and_timed_rounds_are_numbered_separately(capsys):
    """--iters 2 --warmup 1: one warm-up round, then timed rounds 1/2 and 2/2,
    and only the timed ones are recorded."""
    speed = load_tool('benchmarks/speed.py')

    class Runner:
        def __init__(self):
            self.steps = 0

        def timed_step(self):
            self.steps += 1
            return (0.5 * self.steps,)

    runners = {'baseline': Runner(), 'clae': Runner()}
    records = speed.time_interleaved(runners, warmup=1, iters=2)
    labels = [line.split(':')[0] for line in capsys.readouterr().err.splitlines()]
    assert labels == ['warm-up round 1/1', 'timed round 1/2', 'timed round 2/2']
    assert records == {'baseline': [(1.0,), (1.5,)], 'clae': [(1.0,), (1.5,)]}


def test_speed_benchmark_times_the_zoo_methods(tmp_path):
    """MoCo v2, BYOL, SimSiam and Barlow Twins + CLAE through the same tool:
    the attack adds one online forward with an input-only backward and the
    L_adv forward to the method's own passes (MoCo's baseline runs the online
    encoder on the query view only; the others on both views)."""
    speed = load_tool('benchmarks/speed.py')
    online_views = dict(mocov2=1, byol=2, simsiam=2, barlowtwins=2)
    for method, views in online_views.items():
        out = tmp_path / f'{method}.json'
        code = speed.main([osp.join(REPO, f'configs/fashion_mnist/{method}_r18w8_fashion_mnist.py'),
                           '--modes', 'baseline', 'clae', '--iters', '1', '--warmup', '0',
                           '--batch-size', '4', '--image-size', '8', '--memory-iters', '0',
                           '--device', 'cpu', '--out', str(out)])
        assert code == 0, method
        result = json.loads(out.read_text())
        counts = {mode: (result['modes'][mode]['forwards_per_iter'],
                         result['modes'][mode]['backwards_per_iter'],
                         result['modes'][mode]['parameter_backwards_per_iter'])
                  for mode in ('baseline', 'clae')}
        assert counts == {'baseline': (views, views, 1), 'clae': (views + 2, views + 2, 1)}, method
        assert result['flop_ratio_clae_vs_baseline'] > 1 and result['ratio_clae_vs_baseline'] > 0
