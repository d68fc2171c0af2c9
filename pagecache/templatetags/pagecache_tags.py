import hashlib

from django import template

from pagecache import content_version

register = template.Library()

# A fragment is made again at the latest after this many seconds, even if the
# content version has not moved.
FRAGMENT_SECONDS = 10 * 60


class FragmentNode(template.Node):
    def __init__(self, name, vary_on, nodelist):
        self.name, self.vary_on, self.nodelist = name, vary_on, nodelist

    def render(self, context):
        varies = repr([value.resolve(context) for value in self.vary_on])
        digest = hashlib.blake2b(varies.encode(), digest_size=16).hexdigest()
        return content_version.fragment(
            f"fragment:{self.name}:{digest}",
            lambda: self.nodelist.render(context),
            FRAGMENT_SECONDS,
        )


@register.tag
def fragment(parser, token):
    """{% fragment "name" value… %}…{% endfragment %}: the enclosed markup,
    rendered once per content version (pagecache.content_version) and per
    combination of the values it names, such as the language or the address.
    Like {% cache %}, but a change readers could see, an editor's save or a
    scheduled story coming out, makes it anew at once."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(
            '{% fragment %} needs a name, e.g. {% fragment "sidebar" LANGUAGE_CODE %}'
        )
    name = bits[1].strip("\"'")
    vary_on = [parser.compile_filter(bit) for bit in bits[2:]]
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(name, vary_on, nodelist)
