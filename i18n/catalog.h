/* The message catalog: every user-visible string, in all three languages.
 * One .def file per area; each line is MSG(key, zh-Hant, zh-Hans, en).
 * Terms follow ../shared/GLOSSARY.md. */
#include "i18n/core.def"
#include "i18n/auth.def"
#include "i18n/admin.def"
#include "i18n/records.def"
#include "i18n/org.def"
#include "i18n/search.def"
#include "i18n/standards.def"
