import ast


def literal_value(node: ast.AST):
    """The value of a literal expression, or of ``dict(key=literal, ...)``:
    what mmengine's ``Config.dump`` writes and what ``--cfg-options`` items
    look like. Raises ValueError for anything else; nothing is executed."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == 'dict' \
            and not node.args and all(keyword.arg for keyword in node.keywords):
        return {keyword.arg: literal_value(keyword.value) for keyword in node.keywords}
    if isinstance(node, ast.Dict) and all(key is not None for key in node.keys):
        return {literal_value(key): literal_value(value)
                for key, value in zip(node.keys, node.values)}
    if isinstance(node, (ast.List, ast.Tuple)):
        values = [literal_value(element) for element in node.elts]
        return values if isinstance(node, ast.List) else tuple(values)
    return ast.literal_eval(node)


def literal_assignments(text: str, names) -> dict:
    """The top-level ``name = <literal>`` of Python config text (what mmengine's
    ``Config.pretty_text`` and ``Config.dump`` write) for each of ``names``,
    read with ``ast``: nothing of it is executed. A name that is absent or
    not a literal is left out; text that does not parse gives {}."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return {}
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id in names:
            try:
                found[node.targets[0].id] = literal_value(node.value)
            except (ValueError, TypeError, SyntaxError, RecursionError):
                found.pop(node.targets[0].id, None)
    return found
