"""What captions say: the most used hashtags and mentions, caption length over time, and the most used
words without Spanish, Basque and English stop words."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

import altair as alt
import pandas as pd

from i18n import t
from insights.charts import MONTH_FORMAT, PERCENT, date_axis, empty, local_times, several_accounts, title
from insights.frequency import period_starts

TAG_KINDS = ("hashtags", "mentions")
TAG_COLUMNS = ["tag", "posts", "mean_engagement", "mean_likes"]
LENGTH_COLUMNS = ["username", "month", "median_length", "posts"]
WORD_COLUMNS = ["word", "count"]
_PREFIX = {"hashtags": "#", "mentions": "@"}


def _word_set(text: str) -> frozenset[str]:
    """The words of a whitespace-separated list."""
    return frozenset(text.split())


STOP_WORDS_ES = _word_set(
    """
    a acá ahí al algo algún alguna algunas alguno algunos allá allí ante antes aquel aquella aquellas aquello
    aquellos aquí así aun aún aunque bajo bien cada casi como cómo con contra cual cuál cuales cuáles cualquier
    cuando cuándo cuanto cuánto cuantos cuántos de del demás desde donde dónde dos durante e el él ella ellas
    ello ellos en entonces entre era erais éramos eran eras eres es esa esas ese eso esos esta está estaba
    estabais estábamos estaban estabas estad estada estadas estado estados estáis estamos están estando estar
    estará estarán estarás estaré estaréis estaremos estaría estaríais estaríamos estarían estarías estas
    estás este esté estéis estemos estén estés esto estos estoy estuve estuviera estuvierais estuviéramos
    estuvieran estuvieras estuvieron estuviese estuvieseis estuviésemos estuviesen estuvieses estuvimos
    estuviste estuvisteis estuvo fue fuera fuerais fuéramos fueran fueras fueron fuese fueseis fuésemos
    fuesen fueses fui fuimos fuiste fuisteis ha habéis haber había habíais habíamos habían habías habida
    habidas habido habidos habiendo habrá habrán habrás habré habréis habremos habría habríais habríamos
    habrían habrías hace hacen hacer hacia han has hasta hay haya hayáis hayamos hayan hayas he hemos hube
    hubiera hubierais hubiéramos hubieran hubieras hubieron hubiese hubieseis hubiésemos hubiesen hubieses
    hubimos hubiste hubisteis hubo la las le les lo los luego más mas me mi mí mía mías mientras mío míos mis
    misma mismas mismo mismos mucha muchas mucho muchos muy nada ni ningún ninguna ninguno no nos nosotras
    nosotros nuestra nuestras nuestro nuestros o os otra otras otro otros para pero poco pocos por porque pues
    que qué quien quién quienes quiénes se sea seáis seamos sean seas según ser será serán serás seré seréis
    seremos sería seríais seríamos serían serías si sí siempre siendo sin sino sido sobre sois solo sólo somos
    son soy su sus suya suyas suyo suyos también tan tanta tantas tanto tantos te tendrá tendrán tendrás
    tendré tendréis tendremos tendría tendríais tendríamos tendrían tendrías tened tenéis tenemos tener tenga
    tengáis tengamos tengan tengas tengo tenía teníais teníamos tenían tenías tenida tenidas tenido tenidos
    teniendo ti tiene tienen tienes toda todas todo todos tras tu tú tus tuve tuviera tuvierais tuviéramos
    tuvieran tuvieras tuvieron tuviese tuvieseis tuviésemos tuviesen tuvieses tuvimos tuviste tuvisteis tuvo
    tuya tuyas tuyo tuyos un una unas uno unos usted ustedes va vais vamos van vaya ver vez vosotras vosotros
    voy vuestra vuestras vuestro vuestros y ya yo
    """
)
STOP_WORDS_EU = _word_set(
    """
    al ala alde anitz arabera arte asko askoz aurretik ba bada badago badu badira bai baina baino bainan baita
    baitira baitu baizik bakoitza bakoitzak bat batean batek bati batzuei batzuek batzuetan batzuk behar
    bera beraiek berak beraz berau berauek bere beren berori beroriek beste bestela bezala da dago dagoela
    dagoen dagoeneko daude dela den dena denak denok diren direla dira ditu dituen ditugu ditut dituzte du
    duela duen dugu dut dute duten dutela ea edo edota egin egingo egiten ere eta etab eurak ez ezer ezta
    gabe gainera gara gehiago genuen gu gure gutxi gutxiago guzti guztia guztiak guztiz haiei haiek haietan
    hain hainbat hainbeste hala han handik hango hara haren hari hark hartan hau hauei hauek hauetan hemen
    hemendik hemengo hi hona honek honela honen honetan honi hor hori horiei horiek horietan horko horra
    horrek horrela horren horretan horri hortik hura inoiz inor izan izango izaten izen ni nahiz naiz nik
    nire noiz nola non nondik nongo nor nora nuen oraindik ordea orduan oso ze zegoen zein zela zen zenbait
    zenbat zer zerbait zergatik zeuden zirela ziren zituen zu zuek zuen zure zuten
    """
)
STOP_WORDS_EN = _word_set(
    """
    a about above after again against ain all also am an and any are aren as at be because been before being
    below between both but by can could couldn d did didn do does doesn doing don down during each even ever
    every few for from further get got had hadn has hasn have haven having he her here hers herself him
    himself his how i if im in into is isn it its itself just let ll m ma may me might mightn more most much
    must mustn my myself needn no nor not now o of off on once one only or other our ours ourselves out over
    own re s same shan she should shouldn so some still such t than that the their theirs them themselves
    then there these they this those through to too under until up us very ve via was wasn we were weren
    what when where which while who whom why will with won would wouldn y yet you your yours yourself
    yourselves
    """
)
STOP_WORDS = STOP_WORDS_ES | STOP_WORDS_EU | STOP_WORDS_EN

_NOT_WORDS = re.compile(r"https?://\S+|www\.\S+|[#@][\w.]+")
# Letters only, between word boundaries: numbers and words glued to digits or underscores fall out.
_WORD = re.compile(r"\b[^\W\d_]+\b")
# ``count_words``: a run of word characters is one of ``_WORD``'s words when it has letters only.
_RUN = re.compile(r"\w+")
_LETTERS = re.compile(r"[^\W\d_]+")


def words(caption: str) -> list[str]:
    """The caption's words as counted by ``top_words``: lowercase, accents kept, without hashtags,
    mentions, URLs, numbers, words under 3 letters and stop words."""
    text = _NOT_WORDS.sub(" ", unicodedata.normalize("NFC", caption).lower())
    return [w for w in _WORD.findall(text) if len(w) >= 3 and w not in STOP_WORDS]


def top_tags(frame: pd.DataFrame, column: str, n: int = 20) -> pd.DataFrame:
    """The ``n`` hashtags or mentions in most posts (a tag counted once per post, ignoring case): tag
    (without '#' or '@'), posts, mean_engagement and mean_likes of those posts."""
    if frame.empty:
        return empty(
            TAG_COLUMNS,
            {"tag": "str", "posts": "int64", "mean_engagement": "float64", "mean_likes": "float64"},
        )
    pairs = pd.DataFrame(
        {
            "post": range(len(frame)),
            "tag": frame[column].map(lambda tags: [str(tag).lower() for tag in tags]),
            "engagement": frame["engagement"].astype(float),
            "likes": frame["likes"].astype("Float64").astype(float),
        }
    ).explode("tag")
    pairs = pairs[pairs["tag"].notna()].drop_duplicates(["post", "tag"])
    if pairs.empty:
        return top_tags(frame.iloc[0:0], column, n)
    grouped = pairs.groupby("tag")
    result = pd.DataFrame(
        {
            "posts": grouped.size(),
            "mean_engagement": grouped["engagement"].mean(),
            "mean_likes": grouped["likes"].mean(),
        }
    ).reset_index()
    result = result.sort_values(["posts", "tag"], ascending=[False, True], kind="stable").head(n)
    return result.astype({"tag": "str", "posts": "int64"}).reset_index(drop=True)[TAG_COLUMNS]


def top_tags_chart(df: pd.DataFrame, column: str, lang: str) -> alt.Chart:
    """Horizontal bars of the posts per hashtag or mention, the most used on top."""
    data = df.assign(label=_PREFIX[column] + df["tag"].astype(str))
    label_title = t(f"chart.tags.{column}", lang)
    return (
        alt.Chart(data[["label", *TAG_COLUMNS[1:]]])
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=list(data["label"]), title=label_title),
            x=alt.X("posts:Q", title=t("chart.posts", lang)),
            tooltip=[
                alt.Tooltip("label:N", title=label_title),
                alt.Tooltip("posts:Q", title=t("chart.posts", lang)),
                alt.Tooltip(
                    "mean_engagement:Q", title=t("chart.metric.mean_engagement", lang), format=PERCENT
                ),
                alt.Tooltip("mean_likes:Q", title=t("chart.metric.mean_likes", lang), format=",.1f"),
            ],
        )
        .properties(title=title(f"chart.tags.{column}.title", lang))
    )


def caption_length_over_time(frame: pd.DataFrame, tz: str) -> pd.DataFrame:
    """The median caption length in characters (a post without caption counts as 0) per account and
    month in ``tz``, months with posts only: username, month (naive first day), median_length, posts."""
    if frame.empty:
        dtypes = {"username": "str", "month": "datetime64[us]", "median_length": "float64", "posts": "int64"}
        return empty(LENGTH_COLUMNS, dtypes)
    months = period_starts(local_times(frame["taken_at"], tz), "month").rename("month")
    lengths = frame["caption"].fillna("").astype(str).str.len().astype(float)
    grouped = lengths.groupby([frame["username"], months])
    result = pd.DataFrame({"median_length": grouped.median(), "posts": grouped.size()}).reset_index()
    return result.astype({"posts": "int64"})[LENGTH_COLUMNS]


def caption_length_chart(df: pd.DataFrame, lang: str) -> alt.Chart:
    """A line of the median caption length per month, one per account."""
    data = df.assign(
        label=df["month"].dt.strftime(MONTH_FORMAT) if not df.empty else pd.Series([], dtype="str")
    )
    several = several_accounts(df)
    return (
        alt.Chart(data[["username", "month", "label", "median_length", "posts"]])
        .mark_line(point=True)
        .encode(
            x=alt.X("month:T", title=t("chart.period.month", lang), axis=date_axis("month")),
            y=alt.Y("median_length:Q", title=t("chart.caption_length", lang)),
            color=alt.Color("username:N", title=t("chart.account", lang))
            if several
            else alt.value("#4c78a8"),
            tooltip=[
                alt.Tooltip("username:N", title=t("chart.account", lang)),
                alt.Tooltip("label:N", title=t("chart.period.month", lang)),
                alt.Tooltip("median_length:Q", title=t("chart.caption_length", lang), format=",.0f"),
                alt.Tooltip("posts:Q", title=t("chart.posts", lang)),
            ],
        )
        .properties(title=title("chart.caption_length.title", lang))
    )


def count_words(captions: Iterable[str]) -> Counter[str]:
    """How often each word (as ``words`` finds them) appears in the captions.

    The captions are read as one text, one per line (no pattern of ``words`` crosses a line): its runs of
    word characters are counted, then of the distinct runs those that ``words`` keeps are kept (letters
    only, 3 or more, not a stop word). Faster than ``words`` per caption (20,000 captions:
    0.42-0.45 s -> 0.29-0.35 s)."""
    text = "\n".join(caption for caption in captions if caption)
    if not text:
        return Counter()
    runs = Counter(_RUN.findall(_NOT_WORDS.sub(" ", unicodedata.normalize("NFC", text).lower())))
    return Counter(
        {w: n for w, n in runs.items() if len(w) >= 3 and w not in STOP_WORDS and _LETTERS.fullmatch(w)}
    )


def top_words(frame: pd.DataFrame, n: int = 30) -> pd.DataFrame:
    """The ``n`` words used most in the captions (every use counted; ties alphabetical): word, count."""
    counts = count_words(frame["caption"].fillna("").astype(str)) if not frame.empty else Counter()
    if not counts:
        return empty(WORD_COLUMNS, {"word": "str", "count": "int64"})
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]
    return pd.DataFrame(ranked, columns=WORD_COLUMNS).astype({"word": "str", "count": "int64"})


def top_words_chart(df: pd.DataFrame, lang: str) -> alt.Chart:
    """Horizontal bars of the most used words, the most used on top."""
    return (
        alt.Chart(df[WORD_COLUMNS])
        .mark_bar()
        .encode(
            y=alt.Y("word:N", sort=list(df["word"]), title=t("chart.word", lang)),
            x=alt.X("count:Q", title=t("chart.uses", lang)),
            tooltip=[
                alt.Tooltip("word:N", title=t("chart.word", lang)),
                alt.Tooltip("count:Q", title=t("chart.uses", lang)),
            ],
        )
        .properties(title=title("chart.words.title", lang))
    )
