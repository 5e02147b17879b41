"""A record's validation in one pass of pydantic-core, with its Python validators as the judges of last resort.

A record (pipelines/records.py) validates through Python validators that name what is wrong in words a
user can act on ("control character U+001B at position 3", "a number is needed, not str '5'"). Each call
from pydantic-core into Python costs ~0.1-0.2 µs, and a card of 3 prices and 10 scores made ~80 of them
(pydantic adds three for each bounded number behind a before-validator: the bounds run in Python too).

Each validator may name its *twin*: the same check written as pydantic-core's own constraints (a pattern,
strict numbers, bounds), which accepts only values the validator accepts and
leaves them exactly as the validator would. From a model's schema, `fast_schema` builds a second one
where every validator with a twin is replaced by it (and pydantic's bounds are put back into the number's
own schema). A record is validated by that one first; anything it refuses, it never explains: the
model's own validator, unchanged, validates the same input again and accepts it or raises the error
users have always seen. So:
- a value the fast schema accepts is one the full one accepts, with the same result (each twin is
  narrower than its validator: strict numbers refuse 5.0 for an int, the date pattern takes ASCII digits
  only, …: those go the long way and are judged as before);
- every error comes from the full schema, word for word;
- a node the rewrite does not know is kept as it is (a slower fast path, never a different one).
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from pydantic import BaseModel, ValidationError
from pydantic_core import SchemaError, SchemaValidator

#: a twin: given the (already rewritten) schema the validator wraps, the schema doing the same check in
#: pydantic-core, or None when it cannot (the validator is then kept)
Twin = Callable[[dict], "dict | None"]

#: pydantic's own bound checks, which it runs in Python behind a before-validator (the name of its
#: validator -> the constraint of a number's schema)
_BOUNDS = {"greater_than_validator": "gt", "greater_than_or_equal_validator": "ge",
           "less_than_validator": "lt", "less_than_or_equal_validator": "le"}
#: keys of a core schema that hold other schemas
_NESTED = ("schema", "items_schema", "keys_schema", "values_schema", "extras_schema", "definitions")


def twin(rewrite: Twin, top_only: bool = False) -> Callable[[Callable], Callable]:
    """Names a validator's twin (see the module's doc). `top_only`: a model's rule whose twin checks the
    model's fields, so only where the model is made from a dict (the class's own fast validator, called
    with keyword arguments or a dict): a record nested in another may be an instance already, which
    pydantic takes as it is, and the rule itself is kept there."""
    def mark(fn: Callable) -> Callable:
        fn.__twin__ = rewrite
        fn.__twin_top_only__ = top_only
        return fn
    return mark


def pattern(regex: str, narrowing: str | None = None) -> Twin:
    """A text (or a text or None) matching `regex` (a Rust regex: `$` is the end, no final newline before it)
    whole; on a text already bound by the pattern `narrowing`, a narrower one in its place."""
    def rewrite(inner: dict) -> dict | None:
        text = inner.get("schema", {}) if inner.get("type") == "nullable" else inner
        if text.get("type") != "str" or text.get("pattern") not in (None, narrowing):
            return None
        text = {**text, "pattern": regex}
        return {**inner, "schema": text} if inner.get("type") == "nullable" else text
    return rewrite


def strict_number(inner: dict) -> dict | None:
    """An int or a float as they are (strict: never bool or text; a float for an int goes the long way)."""
    return {**inner, "strict": True} if inner.get("type") in ("int", "float") else None


def zero_or_at_least(minimum: float) -> Twin:
    """A float already bound to ≥ 0 that is 0 or at least `minimum`."""
    def rewrite(inner: dict) -> dict | None:
        if inner.get("type") != "float" or inner.get("ge") != 0:
            return None
        return {"type": "union", "mode": "left_to_right",
                "choices": [{**inner, "ge": minimum}, {**inner, "le": 0}]}
    return rewrite


def by_tag(field: str, bounds: dict[Any, dict[str, dict[str, float]]]) -> Twin:
    """A model's rule bounding a number by the value of a literal field (its tag): the model's fields,
    once per tag, the number's bounds narrowed for that tag (`{"percent": {"value": {"ge": 0, "le": 100}}}`)."""
    def rewrite(model: dict) -> dict | None:
        inner = model.get("schema", {})
        if model.get("type") != "model" or inner.get("type") != "model-fields":
            return None
        fields = inner["fields"]
        tag = fields.get(field, {}).get("schema", {})
        if tag.get("type") != "literal" or set(bounds) - set(tag["expected"]):
            return None
        choices = {}
        for value in tag["expected"]:
            narrowed = {**fields, field: {**fields[field], "schema": {**tag, "expected": [value]}}}
            for name, limits in bounds.get(value, {}).items():
                number = fields.get(name, {}).get("schema", {})
                if number.get("type") not in ("int", "float"):
                    return None
                number = dict(number)
                for key, limit in limits.items():
                    tighter = max if key in ("ge", "gt") else min
                    number[key] = tighter(number[key], limit) if key in number else limit
                narrowed[name] = {**fields[name], "schema": number}
            choices[value] = {**inner, "fields": narrowed}
        return {**model, "schema": {"type": "tagged-union", "discriminator": field, "choices": choices}}
    return rewrite


def _bound(fn: Any, inner: dict) -> dict | None:
    """pydantic's `ge=…` run in Python after a number's validator, put back into the number's schema."""
    if not (isinstance(fn, functools.partial) and getattr(fn.func, "__name__", None) in _BOUNDS
            and len(fn.keywords) == 1 and not fn.args):
        return None
    (name, limit), = fn.keywords.items()
    if name != _BOUNDS[fn.func.__name__] or inner.get("type") not in ("int", "float") or name in inner:
        return None
    if not isinstance(limit, (int, float)) or isinstance(limit, bool):
        return None
    if inner["type"] == "float" and float(limit) != limit:  # (a bound a float cannot hold compares otherwise)
        return None
    return {**inner, name: limit}


def fast_schema(schema: Any, top: bool = False) -> Any:
    """The schema with every validator that has a twin replaced by it (a copy; the input is unchanged).
    `top`: the schema is a class's own, validating a dict (see `twin`)."""
    if isinstance(schema, list):
        return [fast_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    for key in _NESTED:
        if key in out:
            out[key] = fast_schema(out[key])
    if out.get("type") in ("model-fields", "typed-dict", "dataclass-args") and isinstance(out.get("fields"), dict):
        out["fields"] = {name: fast_schema(f) for name, f in out["fields"].items()}
    if out.get("type") in ("union", "tagged-union") and "choices" in out:
        choices = out["choices"]
        out["choices"] = ({k: fast_schema(c) for k, c in choices.items()} if isinstance(choices, dict)
                          else [(fast_schema(c[0]), *c[1:]) if isinstance(c, tuple) else fast_schema(c)
                                for c in choices])
    if out.get("type") in ("function-after", "function-before") and isinstance(out.get("schema"), dict):
        fn = (out.get("function") or {}).get("function") if (out.get("function") or {}).get("type") == "no-info" \
            else None
        if fn is not None:
            rewrite = getattr(fn, "__twin__", None)
            if getattr(fn, "__twin_top_only__", False) and not top:
                rewrite = None
            replaced = rewrite(out["schema"]) if rewrite else _bound(fn, out["schema"])
            if replaced is not None:
                return replaced
    return out


class Fast:
    """A model's fast validator, and the full validator it was made from (a model rebuilt since has a
    new one: the fast one is then not used)."""
    __slots__ = ("of", "validator", "validate")

    def __init__(self, cls: type) -> None:
        self.of = cls.__pydantic_validator__
        schema = fast_schema(cls.__pydantic_core_schema__, top=True)
        # pydantic-core would reuse a complete model's own validator for its schema (and a nested one's):
        # they are marked incomplete while the fast one is built, so that it is built from the fast schema
        complete = [c for c in _models(schema) if c.__dict__.get("__pydantic_complete__") is True]
        try:
            for c in complete:
                type.__setattr__(c, "__pydantic_complete__", False)
            self.validator = SchemaValidator(schema)
            self.validate = self.validator.validate_python
        finally:
            for c in complete:
                type.__setattr__(c, "__pydantic_complete__", True)


def _models(schema: Any) -> set[type]:
    """The classes of the model schemas in a schema."""
    found: set[type] = set()
    todo = [schema]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            if node.get("type") == "model" and isinstance(node.get("cls"), type):
                found.add(node["cls"])
            todo.extend(v for k, v in node.items() if k not in ("cls", "metadata"))
        elif isinstance(node, (list, tuple)):
            todo.extend(node)
    return found


def attach(cls: type) -> None:
    """Give a complete model class its fast validator (`__pydantic_fast__`); an incomplete one (a name not
    yet defined) keeps only its own. Called again when the class is rebuilt."""
    try:
        fast = Fast(cls) if getattr(cls, "__pydantic_complete__", False) else None
    except SchemaError:  # (a constraint pydantic-core cannot hold: the model's own validator does it all)
        fast = None
    type.__setattr__(cls, "__pydantic_fast__", fast)
    _MADE_FAST.pop(cls, None)
    if fast is not None and cls.__init__ is BaseModel.__init__:
        _MADE_FAST[cls] = fast.validate


#: class -> its fast validator's validate_python, for the classes made by it when called (`Price(...)`): a
#: complete record class without an `__init__` of its own (a dict: a class's own attribute is slower to
#: read, through pydantic's metaclass)
_MADE_FAST: dict[type, Callable[[Any], Any]] = {}


class Record(type(BaseModel)):  # (pydantic's metaclass)
    """The metaclass of records: `Price(...)` is validated by the class's fast validator, which makes the
    instance itself (as for a nested record or `model_validate`); what it refuses goes the usual way,
    `__init__` and the model's own validator, whose error is raised. A class with its own `__init__`,
    or called with positional arguments, goes the usual way only."""

    def __call__(cls, *args: Any, **data: Any) -> Any:
        fast = _MADE_FAST.get(cls)
        if fast is not None and not args:
            try:
                return fast(data)
            except ValidationError:
                pass  # refused, or not sure (5.0 for a count): the validators say which and why
        return super().__call__(*args, **data)
