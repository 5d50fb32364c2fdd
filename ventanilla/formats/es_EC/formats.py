"""Number formats of Spanish (Ecuador), the portal's only language: «1.066» and
«USD 1.234,56», as Ecuador writes them (CLDR es-EC). Django's generic `es` module
groups thousands with a non-breaking space instead. Dates keep `es`."""

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
