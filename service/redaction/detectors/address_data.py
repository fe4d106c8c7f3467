"""Word lists and pattern pieces for street addresses and postcodes (see address.py)."""

from __future__ import annotations

# Number-first street types (US, UK, AU, FR). STRONG ones stand on their own after a number and a name;
# WEAK ones are also ordinary words ("3 Green Light", "2024 Summer Camp") and need more evidence (a unit,
# a city/region/postcode after it, an address cue before it, or a house number of three digits or more).
STRONG_SUFFIXES = frozenset("""
street st str avenue ave av road rd boulevard blvd blv lane ln drive dr drv court ct crt terrace ter terr
place pl parkway pkwy pky highway hwy circle cir crescent cres cr square sq alley aly plaza plz trail trl
way close mews grove gardens gdns walk crossing xing expressway expy freeway fwy turnpike tpke causeway
cswy stravenue stra broadway
""".split())
WEAK_SUFFIXES = frozenset("""
branch bridge brook brooks burg bypass camp canyon cape center centre cliff cliffs club common corner corners
course cove coves creek crest dale dam divide estate estates extension falls ferry field fields flat flats
ford fords forest forge forges fork forks fort garden gateway glen glens green greens harbor harbour haven
heights hill hills hollow inlet island islands isle junction junctions key keys knoll knolls lake lakes
land landing light lights loaf lock locks lodge loop mall manor manors meadow meadows mill mills mission
motorway mount mountain mountains neck orchard oval overpass park parks pass path pike pine pines plain
plains point points port ports prairie radial ramp ranch rapid rapids rest ridge ridges river route row
run shoal shoals shore shores skyway spring springs spur spurs station stream summit throughway trace
track trafficway tunnel underpass union unions valley valleys viaduct view views village villages ville
vista wall well wells ways squares streets parade esplanade quay circuit rise vale
burgs centers centres circles courts crossroad crossroads curve drives extensions groves harbors harbours parkways
roads walks
""".split())
# French types, written after the number ("12 rue de la Paix"); strong.
FR_TYPES = frozenset("""
rue avenue av boulevard bd bld place pl allee chemin impasse quai cours route square passage voie faubourg
fg sentier villa cite residence promenade
""".split())
NUMBER_FIRST_WORDS = STRONG_SUFFIXES | WEAK_SUFFIXES | FR_TYPES

# Types written before the name, the house number after it ("Via Roma 10", "Calle Mayor, 5").
TYPE_FIRST = (
    "via viale piazza piazzale corso largo vicolo strada lungomare contrada localita "  # it
    "calle avenida avda paseo plaza carrer camino ronda travesia carretera glorieta pasaje "  # es, ca
    "rua avenida travessa praca alameda estrada rodovia largo "  # pt
    "rue avenue boulevard chaussee "  # fr, be, ch
    "laan plein "  # nl
).split()
TYPE_FIRST_WORDS = frozenset(TYPE_FIRST) | {"c"}  # "C/ Mayor 5"

# German, Dutch and Nordic street words glued to the name ("Hauptstrasse 5": the view folds ß to ss).
# Only stems that end few ordinary words ("ring" would take "Spring 2024", "gade" "Brigade 2"), grouped
# under one substring test each (most texts fail the few tests at C speed and never look further).
COMPOUND_GATES = ("strasse", "straat", "weg", "str.", "platz", "gasse", "allee", "laan", "gracht", "gatan",
                  "vagen", "damm", "dijk")

# Glued street words are looked for only when the text shows some sign of an address or of a language
# that writes them (one set test instead of a dozen substring scans on every text).
COMPOUND_CONTEXT = frozenset("""
strasse str straat weg platz gasse allee laan gracht gatan vagen damm dijk
address addr adresse anschrift adres street city stadt wohnort woonplaats postnummer plz postleitzahl postcode
zip shipping deliver delivery billing live lives lived located reside wohnhaft wohne wohnt woont
und der ich ist nicht mit nach bei wir het een niet och att jag
""".split())
STANDALONE_STEMS = frozenset(("strasse", "str.", "weg", "gasse", "platz", "allee", "straat", "laan"))

# Particles inside street and city names ("rue de la Paix", "Laan van Meerdervoort").
PARTICLES = ("de", "del", "della", "delle", "dei", "degli", "di", "da", "das", "dos", "do", "du", "des", "la",
             "le", "les", "los", "las", "el", "van", "von", "der", "den", "ten", "ter", "y", "e", "et", "sur",
             "aux", "au", "am", "an", "im", "upon", "on", "saint", "sainte", "san", "santa", "l'", "d'")

UNIT_WORDS = (r"apt|apartment|suite|ste|unit|flat|floor|fl|room|rm|bldg|building|dept|department|office|box|"
              r"lot|space|trlr|ph|penthouse|wohnung|whg|etage|stock|app|appartement|bureau|piso|puerta|"
              r"interno|int|scala|andar|sala|#")

US_STATES = frozenset("""
AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH
OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP AA AE AP FM MH PW
AB BC MB NB NL NS NT NU ON PE QC SK YT
""".split())

# Cues for a postcode standing alone ("ZIP: 94105", "PLZ 10115"), searched in the lower-cased view.
POSTCODE_CUES = (r"zip[\s_-]?code|zip|postal[\s_-]?code|postal|post[\s_-]?code|postcode|postleitzahl|plz|"
                 r"codigo[\s_]postal|c\.p\.|cp|cap|cep|postnummer|postnr|pin[\s_-]?code|"
                 r"eircode")
POSTCODE_CUE_WORDS = frozenset("zip zipcode postal postalcode postcode postleitzahl plz cp cap cep postnummer postnr "
                               "pincode eircode post".split())

# Street words read before a postcode or a state and ZIP (address_anchor.py), in any case: the number-first words,
# plurals and the rarer types of US street lists ("Burgs", "Crossroad", "Curve").
ANCHOR_SUFFIXES = (STRONG_SUFFIXES | WEAK_SUFFIXES | frozenset("""
rue burgs centers centres circles courts crossroad crossroads curve drives extensions fall groves harbors harbours
parkways roads walks passage via lanes places terraces gate row rows wharf yard yards hey chase green end
""".split())) - frozenset(("stra", "str", "av", "cr", "ter", "blv", "drv"))
