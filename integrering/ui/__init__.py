"""The shared kit of the pages: forms, response helpers, links and Norwegian numbers.

At the bottom of the house (``docs/architecture.md``): every app may use it, and it imports no
app of ours.
"""
