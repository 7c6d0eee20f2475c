"""Embedded name lists for the demo people, most frequent first.

Rank order matters: `people` weights names Zipf-like by position, so the head of each list
gives the many different "Thomas Müller"s a matcher must keep apart, and the tail gives
rare names (Swantje, Größlich) that are near-unique. Foreign groups bring letters that
Windows-1252 cannot hold (ı, ş, ł), which the postcard export turns into `?`.
"""

from __future__ import annotations

MALE = (
    "Thomas", "Michael", "Andreas", "Stefan", "Peter", "Klaus", "Wolfgang", "Jürgen",
    "Christian", "Frank", "Markus", "Uwe", "Matthias", "Alexander", "Martin", "Daniel",
    "Jan", "Tobias", "Sebastian", "Florian", "Lukas", "Jonas", "Felix", "Maximilian",
    "Paul", "Werner", "Günter", "Dieter", "Horst", "Manfred", "Helmut", "Gerhard", "Bernd",
    "Ralf", "Jörg", "Dirk", "Sven", "Holger", "Torsten", "Kai", "Björn", "Nils", "Tim",
    "Philipp", "Johannes", "Heinrich", "Friedrich", "Wilhelm", "Josef", "Karl", "Ulrich",
    "Joachim", "Georg", "Ludwig", "Anton", "Konrad", "Rüdiger", "Hartmut", "Volker",
    "Olaf", "Jens", "Lars", "Till", "Moritz", "Leon", "Niklas", "Benedikt", "Elias",
    "Emil", "Oskar", "Detlef", "Götz", "Malte", "Hauke", "Eike", "Ole", "Bertram",
    "Waldemar", "Gottfried", "Siegfried", "Ansgar", "Lutz", "Sönke", "Jörn",
)  # fmt: skip

FEMALE = (
    "Sabine", "Petra", "Andrea", "Claudia", "Susanne", "Monika", "Nicole", "Stefanie",
    "Julia", "Anna", "Katharina", "Christina", "Sandra", "Birgit", "Gabriele", "Ursula",
    "Renate", "Helga", "Karin", "Ingrid", "Brigitte", "Elisabeth", "Maria", "Barbara",
    "Kerstin", "Anja", "Silke", "Melanie", "Martina", "Heike", "Tanja", "Nadine",
    "Jessica", "Laura", "Lena", "Lea", "Sarah", "Hannah", "Sophie", "Marie", "Emma", "Mia",
    "Johanna", "Franziska", "Margarete", "Hildegard", "Gertrud", "Cornelia", "Daniela",
    "Christiane", "Angelika", "Veronika", "Magdalena", "Charlotte", "Friederike",
    "Rosemarie", "Hannelore", "Waltraud", "Dörte", "Gesine", "Wiebke", "Maren", "Swantje",
    "Jördis", "Änne", "Ottilie", "Almut", "Hiltrud", "Irmgard", "Käthe", "Gudrun",
)  # fmt: skip

# Double first names, written with a hyphen or a blank as their bearers do.
DOUBLE_MALE = (
    "Hans-Peter", "Karl-Heinz", "Klaus Dieter", "Hans Jürgen", "Franz-Josef",
    "Jan-Hendrik", "Heinz-Werner", "Ernst August",
)  # fmt: skip
DOUBLE_FEMALE = (
    "Anna-Lena", "Marie-Luise", "Eva-Maria", "Anne-Kathrin", "Lisa Marie", "Hanne-Lore",
    "Anna Maria", "Marie-Theres",
)  # fmt: skip

LAST = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
    "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann",
    "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier", "Lehmann",
    "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber",
    "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn",
    "Schubert", "Vogel", "Friedrich", "Keller", "Günther", "Frank", "Berger", "Winkler",
    "Roth", "Beck", "Lorenz", "Baumann", "Franke", "Albrecht", "Schuster", "Simon",
    "Ludwig", "Böhm", "Winter", "Kraus", "Martin", "Schumacher", "Krämer", "Vogt", "Stein",
    "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich", "Brandt", "Haas", "Schreiber",
    "Graf", "Schulte", "Dietrich", "Ziegler", "Kuhn", "Kühn", "Pohl", "Engel", "Horn",
    "Busch", "Bergmann", "Voigt", "Sauer", "Arnold", "Wolff", "Pfeiffer", "Müller-Lüdenscheidt",
    "Oßwald", "Größlich", "Nußbaum", "Rößler", "Süßmuth", "Blümel", "Jähnke", "Tönnies",
    "Wöhrle", "Grützmacher", "Häußler", "Straßburger", "Kießling", "Dreßler", "Rühl",
    "Lüdtke", "Fröhlich", "Bäumer", "Hölzl", "Gößmann", "Weißgerber", "Düring",
    "Schmidt-Ohlendorf", "Meyer-Kückelhaus", "Ostendorff",
)  # fmt: skip

# Family names with a nobility particle; the particle is part of the family name.
NOBLE = (
    "von Weizsäcker", "zu Guttenberg", "von der Heide", "von Bülow", "von Arnim",
    "von Stein", "zu Stolberg", "von Hohenstein", "von der Lippe",
)  # fmt: skip

# Foreign groups: (male first names, female first names, family names).
FOREIGN: tuple[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    (  # Turkish
        ("Mehmet", "Mustafa", "Ahmet", "Emre", "Can", "Kemal", "Murat", "Hüseyin"),
        ("Ayşe", "Fatma", "Elif", "Zeynep", "Özlem", "Gül", "Emine", "Derya"),
        ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın", "Arslan",
         "Doğan", "Koç", "Kurt"),
    ),
    (  # Polish
        ("Piotr", "Krzysztof", "Łukasz", "Tomasz", "Paweł", "Marek"),
        ("Agnieszka", "Małgorzata", "Katarzyna", "Joanna", "Ewa", "Magdalena"),
        ("Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński",
         "Szymański"),
    ),
    (  # Italian
        ("Giuseppe", "Marco", "Luca", "Antonio", "Francesco"),
        ("Giulia", "Francesca", "Chiara", "Sofia", "Valentina"),
        ("Rossi", "Russo", "Esposito", "Romano", "Colombo", "Ricci", "De Luca"),
    ),
    (  # Greek
        ("Dimitrios", "Georgios", "Konstantinos", "Nikolaos"),
        ("Eleni", "Maria", "Katerina", "Sofia"),
        ("Papadopoulos", "Georgiou", "Nikolaidis", "Papadakis", "Vlachos"),
    ),
    (  # Russian-German
        ("Dmitri", "Sergej", "Alexej", "Wladimir", "Andrej"),
        ("Olga", "Natalia", "Swetlana", "Irina", "Tatjana"),
        ("Iwanow", "Petrow", "Smirnow", "Kusnezow", "Schäfer", "Becker", "Dick"),
    ),
    (  # Vietnamese
        ("Minh", "Tuan", "Duc", "Hung"),
        ("Thi Lan", "Thu Trang", "Mai", "Linh"),
        ("Nguyen", "Tran", "Pham", "Le", "Hoang"),
    ),
    (  # Arabic
        ("Mohammed", "Ali", "Omar", "Yusuf", "Karim"),
        ("Fatima", "Leila", "Amira", "Yasmin", "Nour"),
        ("Al-Hassan", "Haddad", "Khalil", "Saleh", "Mansour"),
    ),
    (  # Spanish / Portuguese
        ("José", "Carlos", "João", "Miguel"),
        ("Ana", "Lucía", "Inês", "Carmen"),
        ("García", "Fernández", "Silva", "Pereira", "Martínez"),
    ),
)  # fmt: skip

# Forms of a company a self-employed customer runs; `{}` is the owner's family name.
COMPANY_FORMS = (
    "{} & Söhne GmbH", "{} GmbH", "{} Haustechnik GmbH", "Bäckerei {}", "{} e.K.",
    "{} & Partner", "Malerbetrieb {}", "{} Elektro GmbH & Co. KG", "Weingut {}",
)  # fmt: skip
