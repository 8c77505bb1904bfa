"""mmengine formats a run's config with yapf five times (the log, the dumped file, the
visualiser's copy, the message hub, every checkpoint's meta): 0.3-0.5 s each on 2 slow cores,
more than a 2-iteration test run trains. yapf's ``FormatCode`` is a pure function of the text
and the style, so the suite (tests/conftest.py, tests/tool_server.py) memoises it: the same
formatted text, computed once a run."""
import collections
import functools


def memoize_config_formatting(size: int = 32) -> None:
    """Give ``mmengine.config.config.FormatCode`` a cache of the last ``size`` distinct calls."""
    import mmengine.config.config as mmengine_config
    format_code = mmengine_config.FormatCode
    if getattr(format_code, 'memoized', False):
        return
    cache = collections.OrderedDict()

    @functools.wraps(format_code)
    def memoized(text, style_config=None, **kwargs):
        key = (text, repr(style_config), repr(sorted(kwargs.items())))
        if key in cache:
            cache.move_to_end(key)
        else:
            cache[key] = format_code(text, style_config=style_config, **kwargs)
            if len(cache) > size:
                cache.popitem(last=False)
        return cache[key]

    memoized.memoized = True
    mmengine_config.FormatCode = memoized
