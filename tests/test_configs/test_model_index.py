"""model-index.yml and the metafiles index the configs as mmpretrain's do, their
paper numbers are the ones docs/experiments.md lists, and a measured number
stands under Results only with the commit that measured it."""
import glob
import os.path as osp
import re

import yaml
from mmengine.config import Config

from tests.conftest import REPO

INDEXED_FOLDERS = ('configs/clae', 'configs/ablations', 'configs/transfer',
                   'configs/fashion_mnist', 'configs/demo')


def models():
    with open(osp.join(REPO, 'model-index.yml')) as f:
        imports = yaml.safe_load(f)['Import']
    collections, found = set(), []
    for metafile in imports:
        with open(osp.join(REPO, metafile)) as f:
            content = yaml.safe_load(f)
        collections |= {c['Name'] for c in content.get('Collections') or []}
        found += content['Models']
    return collections, found


def paper_rows():
    """{config path: (kNN, LR)} of docs/experiments.md's Table 1 (eps 0 and 0.03
    rows) and {config path: LR} of its Table 2."""
    with open(osp.join(REPO, 'docs/experiments.md')) as f:
        text = f.read()
    table1 = {}
    for line in text.splitlines():
        match = re.match(r'\| \w+ \| (0|0\.03) \| \w+ \| `R (configs/\S+) 3` \| ([\d.—]+)\S* \| ([\d.]+)', line)
        if match:
            knn = None if match.group(3) == '—' else float(match.group(3))
            table1[match.group(2)] = (knn, float(match.group(4)))
    table2 = {}
    for line in text.splitlines():
        match = re.match(r'\| [^|]+ \| `(\S+)` / `(\S+)` \| ([\d.]+)±\S+ \| ([\d.]+)±', line)
        if match:
            table2[f'configs/transfer/{match.group(1)}'] = float(match.group(3))
            table2[f'configs/transfer/{match.group(2)}'] = float(match.group(4))
    return table1, table2


def test_every_config_of_the_indexed_folders_is_indexed_once():
    collections, found = models()
    names = [m['Name'] for m in found]
    assert len(names) == len(set(names))
    indexed = [m['Config'] for m in found]
    assert len(indexed) == len(set(indexed))
    shipped = sorted(osp.relpath(p, REPO) for folder in INDEXED_FOLDERS
                     for p in glob.glob(osp.join(REPO, folder, '**', '*.py'), recursive=True))
    assert sorted(indexed) == shipped
    for model in found:
        assert model['In Collection'] in collections
        assert 'Weights' not in model  # none is released
    for model in found:
        for downstream in model.get('Downstream', []):
            assert downstream in names


def test_the_papers_numbers_are_marked_as_the_papers():
    """Under 'Paper Results', never 'Results' (what model-index readers take for measured)."""
    _, found = models()
    measured = [m for m in found if 'Results' in m]
    assert all(result.get('Commit') for m in measured for result in m['Results'])
    assert not [m['Config'] for m in measured if not m['Config'].startswith('configs/fashion_mnist/')]
    by_config = {m['Config']: m for m in found}
    table1, table2 = paper_rows()
    assert len(table1) == 18 and len(table2) == 18
    for config, (knn, linear) in table1.items():
        metrics = by_config[config]['Paper Results'][0]['Metrics']
        assert metrics['Top 1 Accuracy'] == linear, config
        assert metrics.get('kNN Top 1 Accuracy') == knn, config
    for config, linear in table2.items():
        assert by_config[config]['Paper Results'][0]['Metrics'] == {'Top 1 Accuracy': linear}, config


def test_measured_results_are_the_readme_means_of_their_commit():
    """The zoo's Fashion-MNIST Results are the means of configs/fashion_mnist/README.md's
    table (re-printed from the results by tests/test_tools/test_summarize_results.py);
    the paper methods' there have no recorded commit and no Results."""
    _, found = models()
    with open(osp.join(REPO, 'configs/fashion_mnist/README.md')) as f:
        readme = f.read()
    names = {'mocov2': 'MoCo v2', 'byol': 'BYOL', 'simsiam': 'SimSiam', 'barlowtwins': 'Barlow Twins'}
    measured = [m for m in found if 'Results' in m]
    assert sorted(m['Name'] for m in measured) == sorted(
        f'{method}_r18w8_fashion_mnist{suffix}' for method in names for suffix in ('', '_eps0'))
    for model in measured:
        method = model['Name'].split('_')[0]
        eps = '0' if model['Name'].endswith('_eps0') else '0.03'
        knn, linear = re.search(r'^\| %s \| %s \| 2 \| ([\d.]+) ± \S+ \(n=3\) \| - \| ([\d.]+) ± '
                                % (re.escape(names[method]), eps), readme, re.M).groups()
        (result,) = model['Results']
        assert (result['Commit'], result['Runs']) == ('2965f8e', 3)
        assert result['Metrics'] == {'kNN Top 1 Accuracy': float(knn), 'Top 1 Accuracy': float(linear)}


def test_metadata_matches_the_configs():
    _, found = models()
    for model in found:
        if not re.match(r'configs/(clae/(plain|uel|simclr)_|fashion_mnist/|demo/)', model['Config']):
            continue
        cfg = Config.fromfile(osp.join(REPO, model['Config']))
        assert model['Metadata']['Epochs'] == cfg.train_cfg.max_epochs, model['Name']
        assert model['Metadata']['Batch Size'] == cfg.train_dataloader.batch_size, model['Name']
