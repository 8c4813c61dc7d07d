"""CopiedFieldsMixin: a serializer's fields are copied for each instance rather than deep-copied
(partners/api/shell.py), and each instance's fields are still its own, bound to it, and see its
context, its list children included."""

from __future__ import annotations

from rest_framework import serializers

from partners.api.shell import CopiedFieldsMixin


class ContextField(serializers.CharField):
    """Answers with what its serializer's context holds: as the id fields look up within the
    request's member."""

    def to_internal_value(self, data):
        return f"{self.context['who']}:{super().to_internal_value(data)}"


class ItemSerializer(CopiedFieldsMixin, serializers.Serializer):
    name = serializers.CharField(max_length=5)
    owner = ContextField(required=False)


class OrderSerializer(CopiedFieldsMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=[("a", "A"), ("b", "B")])
    note = serializers.CharField(max_length=10, required=False)
    tags = serializers.ListField(child=ContextField(), required=False)
    items = ItemSerializer(many=True, required=False)


def test_each_instance_has_fields_of_its_own_bound_to_it():
    first, second = OrderSerializer(data={}), OrderSerializer(data={})
    for name in ("kind", "note", "tags", "items"):
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first and second.fields[name].parent is second
    # A list's child is copied too, and bound to that instance's list.
    assert first.fields["tags"].child is not second.fields["tags"].child
    assert first.fields["tags"].child.parent is first.fields["tags"]
    assert first.fields["items"].child.parent is first.fields["items"]
    # The declared fields themselves are never bound: every instance copies them unbound.
    assert OrderSerializer._declared_fields["kind"].parent is None


def test_list_children_see_their_own_instances_context():
    data = {"kind": "a", "tags": ["x"], "items": [{"name": "pen", "owner": "y"}]}
    first = OrderSerializer(data=data, context={"who": "first"})
    second = OrderSerializer(data=data, context={"who": "second"})
    assert second.is_valid(), second.errors
    assert first.is_valid(), first.errors
    assert first.validated_data["tags"] == ["first:x"]
    assert second.validated_data["tags"] == ["second:x"]
    assert first.validated_data["items"][0]["owner"] == "first:y"
    assert second.validated_data["items"][0]["owner"] == "second:y"


def test_one_instances_errors_do_not_reach_another():
    bad = OrderSerializer(data={"kind": "z", "note": "far too long a note", "items": [{}]})
    good = OrderSerializer(data={"kind": "b", "note": "short", "items": [{"name": "pen"}]})
    assert not bad.is_valid()
    assert set(bad.errors) == {"kind", "note", "items"}
    assert bad.errors["items"][0]["name"][0].code == "required"
    assert good.is_valid(), good.errors
    assert good.validated_data["kind"] == "b"
    # And the same class validates again from scratch.
    again = OrderSerializer(data={"kind": "z"})
    assert not again.is_valid() and set(again.errors) == {"kind"}


def test_field_validators_are_those_declared():
    # Max lengths come from each field's own declaration, not from a neighbour's copy.
    serializer = OrderSerializer(data={"kind": "a", "items": [{"name": "toolong"}]})
    assert not serializer.is_valid()
    assert serializer.errors["items"][0]["name"][0].code == "max_length"
