"""Embedded German places: real cities with real postcodes, area codes and states.

Postcodes starting with 0 (Saxony, Thuringia, Brandenburg) are deliberately well
represented: spreadsheets eat that zero, and the postcard export must show it.
`weight` is a rough share of customers, not the population.
"""

from __future__ import annotations

from typing import NamedTuple


class City(NamedTuple):
    name: str
    postcodes: tuple[str, ...]
    area_code: str  # without the trunk 0
    region: str  # state code as Mailchimp writes it (REGION)
    latitude: float
    longitude: float
    weight: int


# name | postcodes | area code | state | latitude | longitude | weight
_TABLE = """
Berlin                 | 10115 10243 10437 12043 13353 14057 | 30   | BE | 52.52   | 13.405  | 40
Hamburg                | 20095 20144 22085 22765 21073       | 40   | HH | 53.5511 | 9.9937  | 26
München                | 80331 80469 80802 81369 81675       | 89   | BY | 48.1374 | 11.5755 | 22
Köln                   | 50667 50733 50937 51063             | 221  | NW | 50.9375 | 6.9603  | 15
Frankfurt am Main      | 60311 60318 60487 65929             | 69   | HE | 50.1109 | 8.6821  | 11
Stuttgart              | 70173 70176 70190 70372             | 711  | BW | 48.7758 | 9.1829  | 10
Düsseldorf             | 40213 40210 40477                   | 211  | NW | 51.2277 | 6.7735  | 9
Leipzig                | 04109 04107 04155 04277             | 341  | SN | 51.3397 | 12.3731 | 9
Dortmund               | 44135 44137 44139                   | 231  | NW | 51.5136 | 7.4653  | 8
Essen                  | 45127 45128 45131                   | 201  | NW | 51.4556 | 7.0116  | 8
Bremen                 | 28195 28203 28211                   | 421  | HB | 53.0793 | 8.8017  | 8
Dresden                | 01067 01069 01097 01277 01309       | 351  | SN | 51.0504 | 13.7373 | 9
Hannover               | 30159 30161 30169                   | 511  | NI | 52.3759 | 9.732   | 8
Nürnberg               | 90403 90402 90429                   | 911  | BY | 49.4521 | 11.0767 | 7
Duisburg               | 47051 47053                         | 203  | NW | 51.4344 | 6.7623  | 5
Bochum                 | 44787 44789                         | 234  | NW | 51.4818 | 7.2162  | 5
Wuppertal              | 42103 42105                         | 202  | NW | 51.2562 | 7.1508  | 5
Bielefeld              | 33602 33604                         | 521  | NW | 52.0302 | 8.5325  | 5
Bonn                   | 53111 53113 53115                   | 228  | NW | 50.7374 | 7.0982  | 5
Münster                | 48143 48145                         | 251  | NW | 51.9607 | 7.6261  | 5
Karlsruhe              | 76133 76131                         | 721  | BW | 49.0069 | 8.4037  | 4
Mannheim               | 68159 68161                         | 621  | BW | 49.4875 | 8.466   | 4
Augsburg               | 86150 86152                         | 821  | BY | 48.3705 | 10.8978 | 4
Wiesbaden              | 65183 65185                         | 611  | HE | 50.0782 | 8.2398  | 4
Mönchengladbach        | 41061 41063                         | 2161 | NW | 51.1805 | 6.4428  | 3
Braunschweig           | 38100 38102                         | 531  | NI | 52.2689 | 10.5268 | 3
Kiel                   | 24103 24105                         | 431  | SH | 54.3233 | 10.1228 | 3
Chemnitz               | 09111 09112 09126                   | 371  | SN | 50.8278 | 12.9214 | 4
Aachen                 | 52062 52064                         | 241  | NW | 50.7753 | 6.0839  | 3
Halle (Saale)          | 06108 06110 06112                   | 345  | ST | 51.4969 | 11.9688 | 3
Magdeburg              | 39104 39106                         | 391  | ST | 52.1205 | 11.6276 | 3
Freiburg im Breisgau   | 79098 79100                         | 761  | BW | 47.999  | 7.8421  | 3
Lübeck                 | 23552 23554                         | 451  | SH | 53.8655 | 10.6866 | 3
Mainz                  | 55116 55118                         | 6131 | RP | 49.9929 | 8.2473  | 3
Erfurt                 | 99084 99085                         | 361  | TH | 50.9848 | 11.0299 | 3
Rostock                | 18055 18057                         | 381  | MV | 54.0924 | 12.0991 | 3
Kassel                 | 34117 34119                         | 561  | HE | 51.3127 | 9.4797  | 2
Saarbrücken            | 66111 66113                         | 681  | SL | 49.2402 | 6.9969  | 2
Potsdam                | 14467 14469                         | 331  | BB | 52.3906 | 13.0645 | 2
Oldenburg              | 26122 26123                         | 441  | NI | 53.1435 | 8.2146  | 2
Osnabrück              | 49074 49076                         | 541  | NI | 52.2799 | 8.0472  | 2
Regensburg             | 93047 93049                         | 941  | BY | 49.0134 | 12.1016 | 2
Würzburg               | 97070 97072                         | 931  | BY | 49.7913 | 9.9534  | 2
Ulm                    | 89073 89075                         | 731  | BW | 48.4011 | 9.9876  | 2
Göttingen              | 37073 37075                         | 551  | NI | 51.5413 | 9.9158  | 2
Jena                   | 07743 07745                         | 3641 | TH | 50.9271 | 11.5892 | 2
Cottbus                | 03046 03048                         | 355  | BB | 51.7563 | 14.3329 | 2
Zwickau                | 08056 08058                         | 375  | SN | 50.7189 | 12.4961 | 2
Schwerin               | 19053 19055                         | 385  | MV | 53.6355 | 11.4012 | 1
Görlitz                | 02826 02827                         | 3581 | SN | 51.1526 | 14.9873 | 1
Weimar                 | 99423 99425                         | 3643 | TH | 50.9795 | 11.3235 | 1
Gera                   | 07545 07546                         | 365  | TH | 50.8806 | 12.0833 | 1
Plauen                 | 08523 08525                         | 3741 | SN | 50.4973 | 12.1369 | 1
Bad Tölz               | 83646                               | 8041 | BY | 47.7603 | 11.5567 | 1
Garmisch-Partenkirchen | 82467                               | 8821 | BY | 47.4917 | 11.0955 | 1
Lüneburg               | 21335 21337                         | 4131 | NI | 53.2464 | 10.4115 | 1
Flensburg              | 24937 24939                         | 461  | SH | 54.7937 | 9.4469  | 1
Trier                  | 54290 54292                         | 651  | RP | 49.7499 | 6.6371  | 1
"""
CITIES: tuple[City, ...] = tuple(
    City(name, tuple(codes.split()), area, region, float(lat), float(lon), int(weight))
    for name, codes, area, region, lat, lon, weight in (
        [cell.strip() for cell in line.split("|")] for line in _TABLE.strip().splitlines()
    )
)

STREETS = (
    "Hauptstraße", "Bahnhofstraße", "Schulstraße", "Gartenstraße", "Dorfstraße",
    "Bergstraße", "Lindenstraße", "Kirchstraße", "Goethestraße", "Schillerstraße",
    "Mozartstraße", "Ringstraße", "Waldstraße", "Rosenstraße", "Blumenstraße",
    "Feldstraße", "Talstraße", "Burgstraße", "Königstraße", "Sonnenstraße",
    "Friedrich-Ebert-Straße", "Heinrich-Heine-Straße", "Lange Straße", "Berliner Straße",
    "Eichendorffstraße", "Wiesenweg", "Birkenweg", "Mühlenweg", "Kirchweg", "Am Markt",
    "Am Bahnhof", "Am Großen Garten", "Kastanienallee", "Marktplatz", "Lessingstraße",
    "Beethovenstraße", "Parkstraße", "Industriestraße", "Jahnstraße", "Poststraße",
    "Karl-Marx-Straße", "Rathausplatz", "An der Mühle", "Im Winkel", "Grüner Weg",
)  # fmt: skip

# Second address lines people type into Address2 / billing extras.
ADDRESS_EXTRAS = ("Hinterhaus", "2. OG", "Seitenflügel", "Whg. 12", "bei Schröder", "3. Etage")
