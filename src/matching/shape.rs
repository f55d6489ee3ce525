//! The shape of a question, apart from its topic: its parts (a message may ask two or three
//! things), what each part asks for (a date, a figure, a person, a place …), whether it
//! carries a claim to check, and whether it compares periods. The markers are words of each
//! language, not of the fact base, so this module knows nothing of what the bot knows.

use std::borrow::Cow;

use super::normalize::{is_han, normalize};
use super::travel::{counts_travellers, way_in, Way};
use crate::knowledge::Lang;

/// What a question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Asks {
    /// A date or a year.
    When,
    /// A figure: an amount, a count, a share, a duration.
    HowMany,
    Who,
    Where,
    Why,
    /// Yes or no.
    YesNo,
    /// Anything else ("what", "which", or no question word at all).
    #[default]
    What,
}

impl Asks {
    pub fn label(self) -> &'static str {
        match self {
            Asks::When => "when",
            Asks::HowMany => "how many",
            Asks::Who => "who",
            Asks::Where => "where",
            Asks::Why => "why",
            Asks::YesNo => "yes/no",
            Asks::What => "what",
        }
    }
}

/// The values a claim carries ("trade reached $30 billion in 2022, right?"): numbers as
/// written or as words ("fivefold", "в пять раз"), and months.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Claim {
    pub numbers: Vec<f64>,
    /// The numbers it gives as sums of money ("35 billion", "35 млрд"): a percentage of the
    /// same number does not bear them out.
    pub sums: Vec<f64>,
    pub months: Vec<u8>,
    /// Words written with a capital inside the sentence: the names a claim is about.
    pub names: Vec<String>,
}

/// One part of a message, read for its shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub text: String,
    pub asks: Asks,
    pub claim: Option<Claim>,
    /// Asks which of two periods or figures is higher, or whether a figure went up or down.
    pub compares: bool,
    /// A comparison of how fast something grew ("did trade grow faster in 2022 or 2023?").
    pub growth: bool,
    /// A comparison of when two things happened ("which pair came first?").
    pub compares_dates: bool,
    /// The figures the part states, years aside ("the record $24.2 billion"): in a comparison,
    /// the values it compares.
    pub figures: Vec<f64>,
    /// Asks for the exact day ("what date exactly", "какого числа"), not a month or a year.
    pub exact_day: bool,
    /// Asks how long doing something takes ("how long does it take to cross the border").
    pub takes_time: bool,
    /// For "how many": the word counted ("minutes" in "how many minutes").
    pub counted: Option<String>,
    /// Which way the travellers it asks about go ("Kazakhs visiting China").
    pub travel: Option<Way>,
    /// Asks how many people travel ("how many Kazakhs went to China"), not how long or how
    /// often.
    pub counts_travellers: bool,
    /// Points back at what came before it ("how many participants were there?", "а сколько
    /// их было?", "那是哪一年？").
    pub points_back: bool,
    /// Names a month ("from November to March"): a stretch of time of its own.
    pub names_month: bool,
    /// The language the part was read in.
    pub lang: Lang,
}

/// The most parts a message is answered in; the rest are dropped.
pub const MAX_PARTS: usize = 3;

/// Markers per language, matched against normalised text (whole words, or substrings for
/// Chinese). Order matters in `ASKS`: the first kind with a marker in the part wins, so
/// "what year" is a date before it is a "what".
struct Markers {
    asks: &'static [(Asks, &'static [&'static str])],
    claim: &'static [&'static str],
    compare: &'static [&'static str],
    /// Words that open a new question after "and" or a comma.
    openers: &'static [&'static str],
    /// Words that join two questions ("and", "also").
    joiners: &'static [&'static str],
    /// Words that stand between the two things a comparison compares ("the record vs the
    /// goal", "рекорд и цель", "记录跟目标").
    sides: &'static [&'static str],
    /// Words that ask which of two things came first, or how long apart they were: a
    /// comparison of dates.
    earlier: &'static [&'static str],
    /// Words asking for an exact day.
    exact_day: &'static [&'static str],
    /// Words asking how long doing something takes ("how long does it take to cross"): a
    /// duration no working hours or length of stay answers.
    takes: &'static [&'static str],
    /// Words asking how fast something grew (a rate, not whether it grew): a comparison of
    /// them compares growth rates.
    growth: &'static [&'static str],
    /// "How many" markers followed by the word counted.
    counters: &'static [&'static str],
    /// Words between a counter and the word counted that are not it ("how many more").
    fillers: &'static [&'static str],
    /// Words that point back at what came before ("how many were there?", "那是哪一年？").
    pointers: &'static [&'static str],
    /// Words with which "where" asks no place: a rank ("where does it rank").
    not_place: &'static [&'static str],
}

const EN: Markers = Markers {
    asks: &[
        (
            Asks::When,
            &[
                "when",
                "what year",
                "which year",
                "what date",
                "since when",
                "what day",
                "what month",
                "which month",
                "which day",
            ],
        ),
        (
            Asks::HowMany,
            &[
                "how many",
                "how much",
                "how long",
                "how big",
                "how large",
                "what percentage",
                "what share",
                "what percent",
                "price",
                "cost",
                "costs",
                "salary",
                "population",
                "budget",
                "fee",
                "fees",
                "how expensive",
                "how fast",
                "how far",
                "number of",
                "how often",
                "tons",
                "tonnes",
                "megawatts",
                "kilometres",
                "kilometers",
                "minutes",
                "capacity",
                "fine",
                "penalty",
                "throughput",
                "worth",
                "the numbers",
                "both numbers",
                "the figures",
                "both figures",
                "how big is each",
                "how long is each",
            ],
        ),
        (Asks::Who, &["who", "whom", "whose", "whos"]),
        (
            Asks::Where,
            &[
                "where",
                "which city",
                "what city",
                "which cities",
                "which region",
                "which kazakh city",
                "what kazakh city",
                "which chinese city",
                "what chinese city",
                "located",
            ],
        ),
        (Asks::Why, &["why"]),
        // "Which one is it?": the "one" is the question's, not a term of its own.
        (Asks::What, &["which one", "what one"]),
        (
            Asks::YesNo,
            &[
                "is", "are", "do", "does", "did", "can", "could", "will", "was", "were", "has",
                "have", "should", "isnt", "arent", "dont", "doesnt",
            ],
        ),
    ],
    claim: &[
        "is it true",
        "is that true",
        "is this true",
        "is that right",
        "is this right",
        "is that correct",
        "is this correct",
        "right",
        "correct",
        "true",
        "i read",
        "i heard",
        "heard that",
        "read that",
        "i was told",
        "someone said",
        "someone told me",
        "confirm",
        "isnt it",
        "wasnt it",
        "didnt it",
        "am i right",
        "really",
        "yes",
        "no",
        "is it so",
        "is that so",
        "true or false",
        "fact check",
        "people say",
        "apparently",
        "my friend says",
        "my friend said",
        "accurate",
        "legit",
    ],
    compare: &[
        "more or less",
        "bigger or smaller",
        "higher or lower",
        "up or down",
        "compared",
        "compare",
        "beat",
        "exceed",
        "exceeded",
        "surpass",
        "surpassed",
        "vs",
        "versus",
        "comparison",
        "than",
        "difference between",
        "increase or decrease",
        "grow or shrink",
        "went up",
        "went down",
        "bigger",
        "higher",
        "smaller",
        "lower",
        "faster",
        "slower",
        "longer",
        "shorter",
        "how far",
        "short of",
        "difference",
        "jump from",
        "jumped from",
        "grow from",
        "grew from",
        "rise from",
        "rose from",
        "went from",
    ],
    openers: &[
        "what", "when", "how", "who", "where", "which", "why", "is", "are", "do", "does", "did",
        "can", "will", "was", "were", "whats", "whos", "wheres", "hows",
    ],
    joiners: &["and", "also", "plus", "and also"],
    sides: &[
        "vs",
        "versus",
        "compared with",
        "compared to",
        "than",
        "or",
        "and",
        "with",
        "from",
        "against",
        "beat",
        "exceed",
        "exceeded",
        "surpass",
        "surpassed",
        "reach",
        "reached",
    ],
    earlier: &[
        "earlier",
        "came first",
        "first or",
        "years apart",
        "years between",
        "years earlier",
        "years later",
    ],
    growth: &[
        "faster",
        "slower",
        "growth",
        "rate",
        "rates",
        "percent",
        "percentage",
        "pace",
    ],
    takes: &[
        "does it take",
        "will it take",
        "it takes",
        "did it take",
        "how long to",
    ],
    exact_day: &[
        "what day",
        "which day",
        "exact date",
        "exact day",
        "what date",
        "which date",
        "exactly",
        "precise date",
    ],
    counters: &["how many", "how much"],
    fillers: &[
        "of",
        "the",
        "more",
        "in",
        "total",
        "did",
        "does",
        "do",
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "a",
        "an",
        "other",
        "different",
        "exactly",
        "approximately",
        "roughly",
        "about",
        "will",
        "can",
        "could",
        "would",
        "it",
        "there",
        "new",
    ],
    pointers: &[
        "it", "that", "they", "them", "there", "he", "she", "him", "her",
    ],
    not_place: &["rank", "ranks", "ranked", "ranking", "on the list"],
};

const RU: Markers = Markers {
    asks: &[
        (
            Asks::When,
            &[
                "когда",
                "в каком году",
                "какого числа",
                "с какого",
                "какой год",
                "в какой день",
                "в каком месяце",
                "с каких пор",
                "к какому году",
                "до какого года",
                "к какому сроку",
                "дата",
                "дату",
            ],
        ),
        (
            Asks::HowMany,
            &[
                "сколько",
                "насколько",
                "на сколько",
                "какой объем",
                "каков объем",
                "какова доля",
                "какую долю",
                "какой процент",
                "цена",
                "стоимость",
                "стоит",
                "зарплата",
                "население",
                "бюджет",
                "как долго",
                "какой срок",
                "сколко",
                "скока",
                "мощность",
                "пропускная способность",
                "штраф",
                "вместимость",
            ],
        ),
        (Asks::Who, &["кто", "кого", "кем", "кому"]),
        (
            Asks::Where,
            &[
                "где",
                "в каком городе",
                "каком городе",
                "каком она городе",
                "каком он городе",
                "каких городах",
                "какой области",
                "куда",
                "откуда",
                "какие города",
                "какой город",
                "находится",
                "расположен",
            ],
        ),
        (Asks::Why, &["почему", "зачем"]),
        (Asks::YesNo, &["ли", "можно", "нужна", "нужно"]),
    ],
    claim: &[
        "правда ли",
        "правда что",
        "это правда",
        "так ли",
        "верно ли",
        "так ведь",
        "верно",
        "правильно",
        "слышал",
        "слышала",
        "читал",
        "читала",
        "говорят",
        "правда",
        "подтвердите",
        "подтверди",
        "не так ли",
        "да ведь",
        "я прав",
        "я права",
        "это так",
        "пишут",
        "писали",
        "видел",
        "видела",
        "сказали",
        "да",
        "так",
        "ведь",
        "не путаю",
    ],
    compare: &[
        "достигли ли",
        "достигнута ли",
        "достигли",
        "превысили",
        "превысил",
        "больше или меньше",
        "выше или ниже",
        "вырос или упал",
        "сравнению",
        "сравнить",
        "сравни",
        "чем",
        "разница",
        "больше",
        "меньше",
        "выше",
        "ниже",
        "быстрее",
        "медленнее",
        "дольше",
        "длиннее",
        "короче",
        "далек",
        "далеко",
        "не хватает",
        "не дотягивает",
        "ускорился",
        "замедлился",
    ],
    openers: &[
        "что",
        "когда",
        "как",
        "кто",
        "где",
        "какой",
        "какая",
        "какие",
        "каков",
        "сколько",
        "почему",
        "правда",
        "можно",
        "нужна",
    ],
    joiners: &["и", "а", "также", "а также", "еще", "ещё", "и еще"],
    sides: &[
        "vs",
        "и",
        "или",
        "с",
        "со",
        "чем",
        "против",
        "а",
        "по сравнению с",
        "от",
        "до",
        "достигли",
        "превысили",
        "превысил",
    ],
    earlier: &[
        "раньше",
        "позже",
        "лет прошло",
        "лет между",
        "лет разницы",
        "появилось первым",
    ],
    growth: &[
        "рост",
        "роста",
        "ростом",
        "быстрее",
        "медленнее",
        "процент",
        "процентов",
        "процента",
        "темп",
        "темпы",
        "прирост",
    ],
    takes: &[
        "времени занимает",
        "сколько ждать",
        "долго ждать",
        "по времени занимает",
    ],
    exact_day: &[
        "какого числа",
        "какого именно числа",
        "какое число",
        "какой день",
        "в какой день",
        "точная дата",
        "точную дату",
        "именно",
    ],
    counters: &["сколько"],
    fillers: &[
        "всего",
        "же",
        "еще",
        "ещё",
        "именно",
        "примерно",
        "было",
        "будет",
        "у",
        "в",
        "на",
        "там",
        "это",
        "новых",
        "стало",
        "стоит",
        "составил",
        "составила",
        "составляет",
        "вырос",
        "выросла",
        "выросло",
        "приехало",
        "приехали",
        "есть",
        "можно",
        "нужно",
        "процентов",
    ],
    pointers: &[
        "это",
        "он",
        "она",
        "оно",
        "они",
        "его",
        "ее",
        "их",
        "там",
        "тогда",
    ],
    not_place: &["по счету", "по счёту", "место", "месте"],
};

// Kazakh markers in folded spelling (қ → к, ү → у, і → и …), as `normalize` leaves them.
const KK: Markers = Markers {
    asks: &[
        (
            Asks::When,
            &[
                "кашан",
                "кай жылы",
                "кай кунни",
                "кай айда",
                "нешенши жылы",
                "кай жылга",
                "нешенши жылга",
            ],
        ),
        (
            Asks::HowMany,
            &[
                "айыппул",
                "куаты",
                "откизу кабилети",
                "канша",
                "неше",
                "кансы",
                "калай оскен",
                "багасы",
                "куны",
                "коли",
                "колеми",
                "кызмет",
                "пайызы",
            ],
        ),
        (Asks::Who, &["ким", "кимдер", "кимге", "кимнин"]),
        (
            Asks::Where,
            &[
                "кайда",
                "кай калада",
                "кай каласында",
                "кай каладагы",
                "кай калага",
                "кай калалар",
                "кай калаларды",
                "кай жерде",
                "кайдан",
                "орналаскан",
            ],
        ),
        (Asks::Why, &["неге", "нелиштен", "не ушин"]),
        (
            Asks::YesNo,
            &["ма", "ме", "ба", "бе", "па", "пе", "ма екен", "ме екен"],
        ),
    ],
    claim: &[
        "рас па",
        "рас",
        "шын ба",
        "шынымен",
        "дурыс па",
        "дурыс",
        "солай ма",
        "естидим",
        "естигенмин",
        "окыдым",
        "айтады",
        "солай гой",
        "иа ма",
        "ия ма",
        "ия",
        "иа",
        "гой",
    ],
    compare: &[
        "жеттик пе",
        "жетти ме",
        "асты ма",
        "коп пе аз ба",
        "салыстырганда",
        "салыстыру",
        "артык",
        "коп",
        "аз",
        "ости ме",
        "томендеди ме",
        "салыстырып",
        "салыстыршы",
        "кайсысы",
        "жогары ма",
        "томен бе",
        "азайды ма",
        "кемиди ме",
        "тезирек",
        "баяу",
        "узагырак",
        "алыс",
        "айырма",
        "кобирек",
        "улкенирек",
        "жогарырак",
        "томенирек",
    ],
    openers: &[
        "кашан",
        "канша",
        "неше",
        "ким",
        "кайда",
        "кандай",
        "не",
        "неге",
        "кай",
    ],
    joiners: &["жане", "сондай-ак", "тагы", "ал"],
    sides: &["vs", "мен", "бен", "пен", "алде", "жане", "ал"],
    earlier: &[
        "ертерек",
        "кейинирек",
        "бурын ба",
        "арасында неше жыл",
        "арасында канша жыл",
        "арасы неше жыл",
    ],
    growth: &[
        "осим",
        "осими",
        "осимнин",
        "осимнен",
        "тезирек",
        "баяу",
        "пайыз",
        "пайызга",
        "каркыны",
    ],
    takes: &["уакыт кетеди", "уакыт алады", "сагат алады", "кутуге тура"],
    exact_day: &[
        "кай кунни",
        "кай куни",
        "нешесинде",
        "накты куни",
        "накты кашан",
        "накты",
    ],
    // Kazakh puts the counted noun before "канша" as often as after it ("сауда канша
    // болды"): the word after is no guide.
    counters: &[],
    fillers: &[],
    pointers: &[
        "ол",
        "бул",
        "оны",
        "олар",
        "сол",
        "муны",
        "онда",
        "сонда",
        "оган",
    ],
    not_place: &["нешинши", "орында", "орнында"],
};

const ZH: Markers = Markers {
    asks: &[
        (
            Asks::When,
            &[
                "什么时候",
                "何时",
                "哪一年",
                "哪年",
                "几月",
                "哪天",
                "哪一天",
                "几号",
                "多会儿",
                "啥时候",
                "啥时",
                "几时",
            ],
        ),
        (
            Asks::HowMany,
            &[
                "容量",
                "罚款",
                "运力",
                "输送能力",
                "装机",
                "多少",
                "几",
                "多大",
                "多长",
                "多久",
                "百分之几",
                "价格",
                "多少钱",
                "票价",
                "费用",
                "人口",
                "工资",
            ],
        ),
        (Asks::Who, &["谁", "哪位"]),
        (
            Asks::Where,
            &[
                "哪里",
                "哪儿",
                "哪个城市",
                "哪些城市",
                "什么地方",
                "哪座城市",
                "位于",
                "哪所",
            ],
        ),
        (Asks::Why, &["为什么", "为何"]),
        (Asks::YesNo, &["吗", "是否", "能不能", "可不可以", "有没有"]),
        // "有哪几个" asks which ones, not how many: its "几" comes after.
        (Asks::What, &["哪几"]),
    ],
    claim: &[
        "对吗",
        "对不对",
        "是真的吗",
        "真的吗",
        "是吗",
        "是不是",
        "听说",
        "据说",
        "我看到",
        "没错吧",
        "对吧",
        "属实",
        "是吧",
        "吧",
        "是这样吗",
        "靠谱吗",
        "准确吗",
        "没错吗",
        "有这回事吗",
        "对么",
        "真的假的",
        "真假",
        "有人说",
        "朋友说",
        "新闻说",
        "网上说",
        "据报道",
        "没说错吧",
        "好像",
        "我记得",
    ],
    compare: &[
        "有没有超过",
        "有没有达到",
        "达到了没",
        "做到了没",
        "超过了没",
        "还是",
        "相比",
        "比较",
        "多还是少",
        "增加还是减少",
        "高还是低",
        "比",
        "更快",
        "更长",
        "还差",
        "差多少",
        "相差",
        "哪个高",
        "哪个更高",
        "哪个大",
        "哪个更大",
        "哪个多",
        "哪个快",
        "变快",
        "变慢",
    ],
    openers: &["什么", "多少", "哪", "谁", "几", "为什么", "是否"],
    joiners: &["还有", "另外", "以及", "和", "并且"],
    sides: &[
        "vs", "跟", "和", "与", "同", "比", "还是", "相比", "对比", "离", "超过", "达到",
    ],
    earlier: &[
        "哪对先",
        "哪个先",
        "谁先",
        "更早",
        "早了",
        "晚了",
        "隔了",
        "相隔",
        "先结",
        "得早",
    ],
    growth: &[
        "增速",
        "增幅",
        "增长率",
        "增长",
        "涨了多少",
        "涨幅",
        "更快",
        "快",
        "百分之",
    ],
    takes: &[
        "要多久",
        "需要多长时间",
        "要多长时间",
        "排多久",
        "等多久",
        "花多长时间",
    ],
    exact_day: &[
        "哪天",
        "哪一天",
        "几号",
        "具体日期",
        "具体哪",
        "几月几日",
        "确切",
    ],
    counters: &[],
    fillers: &[],
    pointers: &["它", "这个", "那个", "那里", "那边", "他", "她", "当时"],
    not_place: &["排第几", "排名", "第几"],
};

fn markers(lang: Lang) -> &'static Markers {
    match lang {
        Lang::En => &EN,
        Lang::Ru => &RU,
        Lang::Kk => &KK,
        Lang::Zh => &ZH,
    }
}

/// Normalised text split into words once, to match many markers against it.
struct Text<'a> {
    whole: &'a str,
    words: Vec<&'a str>,
    /// Where each word starts in `whole`.
    starts: Vec<usize>,
}

impl<'a> Text<'a> {
    fn new(whole: &'a str) -> Text<'a> {
        let mut starts = Vec::new();
        let mut at = 0;
        let words: Vec<&str> = whole.split(' ').collect();
        for word in &words {
            starts.push(at);
            at += word.len() + 1;
        }
        Text {
            whole,
            words,
            starts,
        }
    }
}

/// Whether `marker` occurs in `text`: as a substring for Chinese, else as whole words.
fn has(text: &Text, marker: &str) -> bool {
    position(text, marker).is_some()
}

/// Where `marker` first occurs in `text`, as for `has`.
fn position(text: &Text, marker: &str) -> Option<usize> {
    if marker.chars().any(super::normalize::is_han) {
        return text.whole.find(marker);
    }
    let first = marker.split(' ').next()?;
    (0..text.words.len())
        .filter(|&i| text.words[i] == first)
        .find_map(|i| words_at(text, i, marker))
        .map(|(start, _)| start)
}

/// The byte range (start, end) of `marker`'s words if they stand in `text` from word `i` on.
fn words_at(text: &Text, i: usize, marker: &str) -> Option<(usize, usize)> {
    let length = marker.split(' ').count();
    let last = (i + length - 1 < text.words.len()).then_some(i + length - 1)?;
    let here = marker
        .split(' ')
        .zip(&text.words[i..])
        .all(|(m, w)| m == *w);
    here.then(|| (text.starts[i], text.starts[last] + text.words[last].len()))
}

/// The words of a language that ask for a figure ("how much", "сколько", "多少"): they say
/// what is asked, not what it is about. Words asking for a date are left out: "с какого
/// числа" (from what date) reads as the term for a start, which is a topic of its own.
pub(crate) fn ask_words_of(lang: Lang) -> impl Iterator<Item = &'static str> {
    markers(lang)
        .asks
        .iter()
        .filter(|(asks, _)| *asks == Asks::HowMany)
        .flat_map(|(_, markers)| markers.iter().copied())
}

/// The ways a comparison's text parts into its two sides, one for each place a word of
/// `sides` stands: the text before it and the text after it, normalised.
pub(crate) fn compare_sides(text: &str, lang: Lang) -> Vec<(String, String)> {
    let normal = normalize(text);
    let words = Text::new(&normal);
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for marker in markers(lang).sides {
        if marker.chars().any(is_han) {
            let found = normal.match_indices(marker);
            cuts.extend(found.map(|(at, m)| (at, at + m.len())));
            continue;
        }
        cuts.extend((0..words.words.len()).filter_map(|i| words_at(&words, i, marker)));
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts.into_iter()
        .take(MAX_SIDE_CUTS)
        .map(|(start, end)| {
            (
                normal[..start].trim().to_owned(),
                normal[end..].trim().to_owned(),
            )
        })
        .filter(|(left, right)| !left.is_empty() && !right.is_empty())
        .collect()
}

/// At most this many ways to part a comparison are tried: each costs two lookups.
const MAX_SIDE_CUTS: usize = 6;

/// The words that make a part a comparison ("how far", "up or down").
pub(crate) fn compare_words(lang: Lang) -> &'static [&'static str] {
    markers(lang).compare
}

/// The question words of `text`, of every kind ("in which city", "when").
pub(crate) fn ask_words(text: &str, lang: Lang) -> Vec<&'static str> {
    let normal = normalize(text);
    let words = Text::new(&normal);
    markers(lang)
        .asks
        .iter()
        .flat_map(|(_, markers)| markers.iter())
        .filter(|m| has(&words, m))
        .copied()
        .collect()
}

/// The words of `text` that make it a comparison ("bigger", "compared", "earlier").
pub(crate) fn compare_words_in(text: &str, lang: Lang) -> Vec<&'static str> {
    comparing(&normalize(text), lang)
}

/// The words of normalised text that make it a comparison. "比" compares, but not inside a
/// word of its own ("占比" is a share, "比亚迪" a car).
fn comparing(normal: &str, lang: Lang) -> Vec<&'static str> {
    let unlike: Cow<str> = match lang {
        Lang::Zh => Cow::Owned(
            NOT_COMPARING_HAN
                .iter()
                .fold(normal.to_owned(), |text, word| text.replace(word, " ")),
        ),
        _ => Cow::Borrowed(normal),
    };
    let words = Text::new(&unlike);
    let markers = markers(lang);
    markers
        .compare
        .iter()
        .chain(markers.earlier)
        .filter(|m| has(&words, m))
        .copied()
        .collect()
}

/// What a part asks for: the kind whose marker comes first ("who reported the number of
/// tourists" asks who, not how many); on a tie, the kind listed first.
fn asked(normal: &Text, markers: &Markers) -> Asks {
    let mut best: Option<(usize, Asks)> = None;
    for &(asks, words) in markers.asks {
        let first = words.iter().filter_map(|w| position(normal, w)).min();
        if let Some(at) = first {
            if best.is_none_or(|(b, _)| at < b) {
                best = Some((at, asks));
            }
        }
    }
    // Yes/no questions are told by their first word; later "is"/"do" say nothing.
    match best {
        Some((at, Asks::YesNo)) if at > 0 && std::ptr::eq(markers, &EN) => {
            let others = markers.asks.iter().filter(|(a, _)| *a != Asks::YesNo);
            others
                .filter_map(|&(asks, words)| {
                    words
                        .iter()
                        .filter_map(|w| position(normal, w))
                        .min()
                        .map(|at| (at, asks))
                })
                .min_by_key(|&(at, _)| at)
                .map_or(Asks::What, |(_, asks)| asks)
        }
        Some((_, asks)) => asks,
        None => Asks::What,
    }
}

/// What the clause after a leading "when" clause asks: "When Smailov met Li Qiang, by how
/// much had trade grown?" asks how much, not when.
fn main_clause(text: &str, markers: &Markers) -> Option<Asks> {
    let (_, rest) = text.split_once([',', '，', '、'])?;
    let asks = asked(&Text::new(&normalize(rest)), markers);
    (!matches!(asks, Asks::What | Asks::YesNo | Asks::When)).then_some(asks)
}

/// Chinese words with "比" in them that compare nothing.
const NOT_COMPARING_HAN: &[&str] = &["占比", "比例", "比重", "比亚迪", "比如", "无比", "比赛"];

/// Reads one part of a question for its shape.
pub fn read_part(text: &str, lang: Lang) -> Part {
    let normal = normalize(text);
    let markers = markers(lang);
    let words = Text::new(&normal);
    let asks = match asked(&words, markers) {
        Asks::When => main_clause(text, markers).unwrap_or(Asks::When),
        asks => asks,
    };
    let dates_compared = markers.earlier.iter().any(|w| has(&words, w));
    let compares = !comparing(&normal, lang).is_empty();
    // "Which pair came first?" asks when each began; "hit what in dollars?" asks how much.
    let asks = match asks {
        Asks::What | Asks::YesNo if dates_compared => Asks::When,
        Asks::What if counted_unit(&normal).is_some() => Asks::HowMany,
        // "Where does Kazakhstan rank?" asks a rank, not a place.
        Asks::Where if markers.not_place.iter().any(|w| has(&words, w)) => Asks::What,
        asks => asks,
    };
    // A yes/no question stating a figure or a date is a claim to check: "can I stay 60 days
    // without a visa?", "did Tokayev receive Ding on 27 November?"; one weighing two ("did
    // trade grow faster in 2022 or in 2023?") is a comparison.
    let stated = numbers(&normal, lang);
    let named_months = months(&normal);
    let states_values = || !stated.is_empty() || !named_months.is_empty();
    let claimed = markers.claim.iter().any(|w| has(&words, w))
        || (asks == Asks::YesNo && !compares && states_values());
    let claim = claimed.then(|| Claim {
        numbers: claimed_numbers(&normal, &stated),
        sums: sums(&normal),
        months: named_months.clone(),
        names: names(text),
    });
    let growth = markers.growth.iter().any(|w| has(&words, w)) || text.contains('%');
    let figures = stated.into_iter().filter(|&v| !year_like(v)).collect();
    let day_words = markers.exact_day.iter().any(|w| has(&words, w));
    // "What exactly is her position?" is no question of a day: words of exactness only
    // sharpen a question that already asks when.
    let asks_day = markers
        .exact_day
        .iter()
        .any(|w| !EXACTNESS.contains(w) && has(&words, w));
    // "on which exact day …" asks when, whatever its first question word.
    let asks = match asks {
        Asks::What | Asks::YesNo if asks_day => Asks::When,
        asks => asks,
    };
    let exact_day = asks == Asks::When && day_words;
    let counted = (asks == Asks::HowMany)
        .then(|| {
            counted(&normal, markers)
                .or_else(|| counted_unit(&normal))
                .or_else(|| (lang == Lang::Zh).then(|| counted_han(&normal)).flatten())
        })
        .flatten();
    Part {
        text: text.to_owned(),
        asks,
        claim,
        compares,
        growth,
        compares_dates: dates_compared,
        takes_time: markers.takes.iter().any(|w| has(&words, w)),
        figures,
        exact_day,
        counted,
        travel: way_in(&normal),
        counts_travellers: asks == Asks::HowMany && counts_travellers(&normal),
        points_back: markers.pointers.iter().any(|w| has(&words, w)),
        names_month: !named_months.is_empty(),
        lang,
    }
}

/// The word a "how many" question counts ("how many minutes", "сколько студентов"): the
/// first word after its marker that is not a filler. Chinese runs words together, so none.
fn counted(normal: &str, markers: &Markers) -> Option<String> {
    let words: Vec<&str> = normal.split(' ').collect();
    for marker in markers.counters {
        let n = marker.split(' ').count();
        let found = words.windows(n).position(|w| w.join(" ") == *marker);
        if let Some(at) = found {
            // A percentage or a multiple stops the search even where it is also a filler:
            // "на сколько процентов подросла" asks a percentage, not a count of "подросла".
            let word = words[at + n..].iter().find(|w| {
                MULTIPLES.contains(w)
                    || !markers.fillers.contains(w)
                        && !POSSESSIVES.contains(w)
                        && !past_verb(w)
                        && !SUBJECTS.contains(w)
                        && w.parse::<f64>().is_err()
                        && number_word(w, Lang::En).is_none()
            })?;
            // "how much" asks an amount of something ("how much of the stuff", "how much in
            // deals"): only a sum of money or a share says what kind.
            let amount = *marker == "how much";
            let unit = [DOLLAR_WORDS, PERCENT_WORDS].concat();
            if amount && !unit.iter().any(|u| word.starts_with(u)) {
                return None;
            }
            // "how many times", "во сколько раз": a multiple, not a count of something.
            return (!MULTIPLES.contains(word)).then(|| (*word).to_owned());
        }
    }
    None
}

/// The numbers a claim states. "Two" written as a word counts the two countries or their
/// leaders ("the two presidents set a goal of $40 billion"), not a figure claimed.
fn claimed_numbers(normal: &str, stated: &[f64]) -> Vec<f64> {
    let written_two = normal.split(' ').any(|w| w == "2");
    stated
        .iter()
        .copied()
        .filter(|&v| v != 2.0 || written_two)
        .collect()
}

/// Numbers written before a word for billions, millions or dollars.
pub(crate) fn sums(normal: &str) -> Vec<f64> {
    normal
        .split(' ')
        .collect::<Vec<_>>()
        .windows(2)
        .filter(|pair| SUM_WORDS.iter().any(|w| pair[1].starts_with(w)))
        .filter_map(|pair| pair[0].parse::<f64>().ok())
        .collect()
}

/// Words that make the number before them a sum of money, by their first letters.
const SUM_WORDS: &[&str] = &[
    "billion",
    "bn",
    "million",
    "mln",
    "dollar",
    "usd",
    "млрд",
    "миллиард",
    "млн",
    "миллион",
    "доллар",
];

/// Whether a number reads as a year (1900–2100) rather than a figure.
pub(crate) fn year_like(value: f64) -> bool {
    (1900.0..=2100.0).contains(&value)
}

/// Words that say whose, not what, a "how many" counts ("сколько наших фирм").
const POSSESSIVES: &[&str] = &[
    "our",
    "your",
    "their",
    "these",
    "those",
    "наших",
    "наши",
    "ваших",
    "своих",
    "этих",
    "тех",
];

/// Whether a Russian word reads as a verb in the past tense ("подросла", "прибавилось"):
/// it says what happened to the thing counted, not what it is.
fn past_verb(word: &str) -> bool {
    const ENDINGS: &[&str] = &["ла", "ло", "ли", "лся", "лась", "лось", "лись"];
    word.chars().count() >= 5 && ENDINGS.iter().any(|e| word.ends_with(e))
}

/// What a "how many" question counts where no counted word follows its marker but it names a
/// sum of money or a percentage: Kazakh puts the marker anywhere ("жалпы көлемі қанша
/// доллар"), and Chinese runs words together ("多少亿美元", "百分之几").
fn counted_unit(normal: &str) -> Option<String> {
    let word_starts = |stems: &[&str]| {
        normal
            .split(' ')
            .any(|w| stems.iter().any(|stem| w.starts_with(stem)))
    };
    if normal.contains("美元") || word_starts(DOLLAR_WORDS) {
        Some("dollars".to_owned())
    } else if normal.contains("百分之") || word_starts(PERCENT_WORDS) {
        Some("percent".to_owned())
    } else {
        None
    }
}

/// The word a Chinese "how many" counts: what follows "多少" or "几" ("多少天" counts 天,
/// "多少金额" a sum of money). After a measure word the measure itself is what is counted
/// ("多少辆货车" counts 辆; a fact that counts 货车 in 辆 states it). Words that count anything
/// (人), multiples (倍), "哪几" (which ones), "前几" (a rank), "第几" (an ordinal) and "几点"
/// (a time of day) give none.
fn counted_han(normal: &str) -> Option<String> {
    let chars: Vec<char> = normal.chars().collect();
    let after_how_many = chars
        .windows(2)
        .position(|w| w == ['多', '少'])
        .map(|i| i + 2);
    let after_few = || {
        let at = chars.iter().position(|&c| c == '几')?;
        let before = at.checked_sub(1).map(|i| chars[i]);
        (!matches!(before, Some('哪' | '那' | '前' | '第' | '好'))).then_some(at + 1)
    };
    let at = after_how_many.or_else(after_few)?;
    let mut rest = chars[at..]
        .iter()
        .copied()
        .take_while(|&c| is_han(c))
        .peekable();
    // Magnitudes ("多少万人") say how big, not what is counted.
    while rest
        .next_if(|c| matches!(c, '万' | '亿' | '千' | '百'))
        .is_some()
    {}
    let mut first = rest.next()?;
    // "个" counts anything: the word after it is what is counted ("几个小时").
    if first == '个' {
        first = rest.next()?;
    }
    let word: String = std::iter::once(first).chain(rest.next()).collect();
    match first {
        '人' | '倍' | '成' | '点' | '呀' | '啊' | '呢' | '吗' | '吧' | '啦' | '哦' | '了'
        | '的' | '是' => None,
        '钱' | '元' | '块' | '刀' => Some("dollars".to_owned()),
        _ if HAN_MONEY.contains(&word.as_str()) => Some("dollars".to_owned()),
        _ if HAN_SHARE.contains(&word.as_str()) => Some("percent".to_owned()),
        _ if HAN_MEASURES.contains(&first) => Some(first.to_string()),
        _ => Some(word),
    }
}

/// Chinese measure words and one-character units, which are counted themselves.
const HAN_MEASURES: &[char] = &[
    '个', '辆', '名', '家', '位', '列', '趟', '条', '座', '对', '种', '项', '架', '批', '次', '所',
    '天', '日', '年', '月', '周', '岁', '吨', '届',
];

/// Chinese words for a sum of money and for a share, asked after "多少".
const HAN_MONEY: &[&str] = &["金额", "资金", "美元", "投资"];
const HAN_SHARE: &[&str] = &["比例", "比重", "份额", "百分"];

/// The stems of the words for a sum of money and for a percentage, which facts write as a
/// symbol ("$41 billion", "35%").
pub(crate) const DOLLAR_WORDS: &[&str] = &["dollar", "доллар", "usd", "money", "деньг", "денег"];
pub(crate) const PERCENT_WORDS: &[&str] = &["percent", "процент", "пайыз"];

/// The two countries every question is about, and the word joining them: never what a
/// "how much" question counts ("how much did Kazakhstan and China trade").
const SUBJECTS: &[&str] = &[
    "kazakhstan",
    "china",
    "kz",
    "and",
    "казахстан",
    "китай",
    "и",
];

/// Capitalised words after the first word of a text, normalised: "I heard China will open a
/// consulate in Karaganda" gives "china", "karaganda".
fn names(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    // A capital after a sentence's end starts the next sentence ("… круглосуточно.
    // Подтвердите?"): it names nothing.
    let after_end = |i: usize| words[i - 1].ends_with(['.', '!', '?', '…']);
    (1..words.len())
        .filter(|&i| !after_end(i))
        .map(|i| words[i])
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase) && *w != "I")
        .map(normalize)
        // "Nov", "March": a month is checked as a month, not as a name
        .filter(|w| !w.is_empty() && !w.contains(' ') && months(w).is_empty())
        .collect()
}

/// Splits a message into the questions it asks, at most `MAX_PARTS`: sentences and list items
/// first, then clauses that "and"/"also" or a comma join to a new question word. Sentences that
/// ask nothing (a story around the question) are dropped when some other sentence asks.
pub fn split_parts(text: &str, lang: Lang) -> Vec<String> {
    let sentences = sentences(text);
    // Numbered items ask one thing each, even where the question word stands mid-sentence
    // ("1) режим қай күні басталды 2) …"), as Kazakh and Russian word order has it.
    let numbered = sentences.iter().filter(|(_, item)| *item).count() >= 2;
    let mut clauses: Vec<(String, bool)> = Vec::new();
    for (sentence, item) in &sentences {
        let listed = numbered && *item;
        clauses.extend(clauses_of(sentence, lang).into_iter().map(|c| (c, listed)));
    }
    // Beside a numbered list, what is not numbered introduces it ("问几个问题哈 1）… 2）… 3）…").
    let asking: Vec<String> = clauses
        .iter()
        .filter(|(c, listed)| *listed || !numbered && asks_something(c, lang))
        .map(|(c, _)| c.clone())
        .collect();
    let clauses: Vec<String> = clauses.into_iter().map(|(c, _)| c).collect();
    let mut parts = if asking.is_empty() { clauses } else { asking };
    parts.retain(|p| p.chars().any(char::is_alphanumeric));
    parts.truncate(MAX_PARTS);
    parts
}

/// The clause of `text` just before the one that reads `part`, if there is one: what a
/// question that names nothing ("具体占比大概多少？") asks about.
pub(crate) fn clause_before(text: &str, lang: Lang, part: &str) -> Option<String> {
    let clauses: Vec<String> = sentences(text)
        .iter()
        .flat_map(|(sentence, _)| clauses_of(sentence, lang))
        .collect();
    let at = clauses.iter().position(|c| c.trim() == part.trim())?;
    clauses.get(at.checked_sub(1)?).cloned()
}

/// Whether a clause is a question or a claim to check, rather than a story.
fn asks_something(clause: &str, lang: Lang) -> bool {
    let trimmed = clause.trim_end();
    if trimmed.ends_with(['?', '？']) {
        return true;
    }
    let normal = normalize(clause);
    let text = Text::new(&normal);
    let markers = markers(lang);
    let first = text.words.first().copied().unwrap_or("");
    let opener = markers.openers.iter().any(|w| match lang {
        Lang::Zh => normal.contains(w),
        // "I need to find out which places …": an indirect question asks all the same.
        Lang::En => WH_WORDS.contains(w) && has(&text, w) || first == *w,
        // Kazakh puts the question word before the verb, wherever that is ("диалог қай күні
        // өтті"); "не" alone is also "or" and "what", and must open the clause.
        Lang::Kk => *w != "не" && has(&text, w) || first == *w,
        Lang::Ru => first == *w,
    });
    // "а визу сколько дней можно": Russian asks how many or which wherever it likes; "когда"
    // and "где" mid-sentence are as often "when" and "where" of a story.
    let anywhere = lang == Lang::Ru && RU_ANYWHERE.iter().any(|w| has(&text, w));
    opener
        || anywhere
        || markers.claim.iter().any(|w| has(&text, w))
        || markers.asks[..5]
            .iter()
            .any(|(_, words)| words.iter().any(|w| has(&text, w)))
}

/// Words after "how many" that ask for a multiple or a share, not a count.
const MULTIPLES: &[&str] = &["times", "fold", "раз", "percent", "процентов", "процента"];

/// Words asking for an exact day that, alone, ask for exactness, not a day.
const EXACTNESS: &[&str] = &["exactly", "именно", "накты", "确切"];

/// Russian question words that make a clause a question wherever they stand.
const RU_ANYWHERE: &[&str] = &[
    "сколько",
    "какой",
    "какая",
    "какие",
    "каков",
    "какую",
    "каком",
    "какого",
    "каких",
];

/// English question words that make a clause a question wherever they stand.
/// "What's" is normalised to "whats".
const WH_WORDS: &[&str] = &[
    "what", "when", "how", "who", "where", "which", "why", "whats", "whos", "wheres", "hows",
];

/// Sentences and list items: split at sentence ends, line breaks, semicolons, smileys ("))",
/// ":)") and numbering ("1)", "2."), never inside a number ("24.2"). Each comes with whether
/// it was numbered.
fn sentences(text: &str) -> Vec<(String, bool)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    // A bracket opened in the current sentence: its ")" closes it, not a smiley.
    let mut open = false;
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        open |= matches!(c, '(' | '（');
        let ends = match c {
            '?' | '!' | '？' | '！' | '。' | '；' | ';' | '\n' => true,
            '.' => !next.is_some_and(|n| n.is_ascii_digit()),
            ')' => !open && smiley(current.chars().last(), next),
            _ => false,
        };
        // A list item inside a line: "quick ones: 1) … 2) …".
        let item = c.is_ascii_digit()
            && i > 0
            && (chars[i - 1].is_whitespace() || matches!(chars[i - 1], ':' | '：' | '，' | ','))
            && matches!(next, Some(')' | '）'))
            && !current.trim().is_empty();
        if item {
            out.push(std::mem::take(&mut current));
            open = false;
        }
        current.push(c);
        if ends {
            out.push(std::mem::take(&mut current));
            open = false;
        }
    }
    out.push(current);
    out.into_iter()
        .map(|s| {
            let (item, numbered) = strip_numbering(&s);
            (item.to_owned(), numbered)
        })
        .filter(|(s, _)| !s.trim().is_empty())
        .collect()
}

/// Whether a ")" that closes no bracket ends a smiley ("))", ":)", "text )") rather than a
/// list number: a smiley's mark just before it, and a space or the end after it.
fn smiley(before: Option<char>, next: Option<char>) -> bool {
    let mark = before.is_some_and(|p| matches!(p, ')' | ':' | ';' | ' '));
    mark && next.is_none_or(char::is_whitespace)
}

/// "1) text", "2. text", "- text" → "text", and whether it was numbered or bulleted.
fn strip_numbering(sentence: &str) -> (&str, bool) {
    let trimmed = sentence.trim();
    let rest = trimmed.trim_start_matches(|c: char| c.is_ascii_digit());
    let digits = trimmed.len() - rest.len();
    if digits > 0 && digits <= 2 {
        if let Some(after) = rest.strip_prefix([')', '）', '、']) {
            return (after.trim(), true);
        }
        // "2.5" is a number, not item 2.
        if let Some(after) = rest.strip_prefix('.') {
            if !after.starts_with(|c: char| c.is_ascii_digit()) {
                return (after.trim(), true);
            }
        }
    }
    let bare = trimmed.trim_start_matches(['-', '•', '*']);
    (bare.trim(), bare.len() < trimmed.len())
}

/// A sentence cut where a joiner ("and", "also", a comma) is followed by a word that opens a
/// new question: "when did it start and how long can I stay" is two questions, "trade between
/// Kazakhstan and China" is one.
fn clauses_of(sentence: &str, lang: Lang) -> Vec<String> {
    let markers = markers(lang);
    if lang == Lang::Zh {
        return han_clauses(sentence, markers);
    }
    let words: Vec<&str> = sentence.split_whitespace().collect();
    // Each word as the markers spell it, once: lowercase, Kazakh letters folded, without the
    // punctuation around it (cheaper than normalising each word). "what's" opens a question
    // as "what" does.
    let bare: Vec<String> = words
        .iter()
        .map(|w| {
            let trimmed = w.trim_matches(|c: char| !c.is_alphanumeric());
            let head = trimmed.split(['\'', '’']).next().unwrap_or(trimmed);
            super::normalize::fold_cyrillic(&head.to_lowercase())
        })
        .collect();
    let opener: Vec<bool> = bare
        .iter()
        .map(|b| markers.openers.contains(&b.as_str()))
        .collect();
    let joiner: Vec<bool> = bare
        .iter()
        .map(|b| markers.joiners.contains(&b.as_str()))
        .collect();
    // Russian openers such as "как" and "можно" stand mid-clause as "as" and "may".
    let asks_mid: Vec<bool> = match lang {
        Lang::Ru => bare
            .iter()
            .map(|b| RU_ANYWHERE.contains(&b.as_str()))
            .collect(),
        _ => opener.clone(),
    };
    let comma = |k: usize| words[k].ends_with(',');
    let mut clauses = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    // Whether `current` holds an opener, kept as words are added: scanning it at every comma
    // or joiner would make a long message cost the square of its length.
    let mut current_opens = false;
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        // "… and about how many came": a filler may stand between the joiner and the opener.
        let opens = |k: usize| opener.get(k).copied().unwrap_or(false);
        let filler = |k: usize| {
            bare.get(k)
                .is_some_and(|b| markers.fillers.contains(&b.as_str()) || b == "then")
        };
        let next_opens = opens(i + 1) || (filler(i + 1) && opens(i + 2));
        // In Russian and Kazakh the question word may close its clause ("… болады, жалпы
        // лимит қанша"): a comma between two clauses that each hold one cuts too.
        let both_ask = || {
            let next = (i + 1..words.len()).take_while(|&k| !comma(k));
            lang != Lang::En
                && (current_opens || opener[i])
                && next.clone().count() >= 2
                && next.into_iter().any(|k| opener[k])
        };
        let cut_after_comma = comma(i) && current.len() >= 2 && (opens(i + 1) || both_ask());
        // So may a joiner: "режим қай күні басталды және бір кіргенде неше күн тұруға болады".
        // Only the words up to the next joiner (and its comma) count, or "какой товарооборот
        // между Казахстаном и Китаем … и какая цель" would be cut between the two countries.
        let joined_ask = || {
            let mut next = Vec::new();
            for k in (i + 1..words.len()).take_while(|&k| !joiner[k]) {
                next.push(k);
                if comma(k) {
                    break;
                }
            }
            lang != Lang::En
                && current_opens
                && current.len() >= 3
                && next.len() >= 2
                && next.iter().any(|&k| asks_mid[k])
        };
        if joiner[i] && current.len() >= 2 && (next_opens || joined_ask()) {
            clauses.push(current.join(" "));
            current.clear();
            current_opens = false;
            i += 1;
            continue;
        }
        current.push(word);
        current_opens |= opener[i];
        if cut_after_comma {
            clauses.push(current.join(" "));
            current.clear();
            current_opens = false;
        }
        i += 1;
    }
    if !current.is_empty() {
        clauses.push(current.join(" "));
    }
    clauses
}

/// Chinese clauses: a comma or a joiner ("还有", "另外") splits only where both sides ask
/// something of their own.
fn han_clauses(sentence: &str, markers: &Markers) -> Vec<String> {
    let pieces: Vec<&str> = sentence
        .split(['，', ',', '、'])
        .filter(|p| !p.trim().is_empty())
        .collect();
    let asks = |p: &str| markers.openers.iter().any(|w| p.contains(w)) || p.contains('吗');
    let mut clauses: Vec<String> = Vec::new();
    // Whether the last clause asks, kept as it grows, so that each piece is scanned once.
    let mut last_asks = false;
    for piece in pieces {
        let piece = markers
            .joiners
            .iter()
            .find_map(|j| piece.strip_prefix(j))
            .unwrap_or(piece);
        let piece_asks = asks(piece);
        match clauses.last_mut() {
            Some(last) if !(last_asks && piece_asks) => {
                last.push('，');
                last.push_str(piece);
                last_asks |= piece_asks;
            }
            _ => {
                clauses.push(piece.to_owned());
                last_asks = piece_asks;
            }
        }
    }
    clauses
}

/// Numbers a text states, in digits or words: "30", "24.2", "fivefold" (5), "doubled" (2),
/// "в пять раз" (5), "3倍" (3), "half" (0.5).
pub fn numbers(normal: &str, lang: Lang) -> Vec<f64> {
    let mut found: Vec<f64> = Vec::new();
    let words: Vec<&str> = normal.split(' ').collect();
    for word in &words {
        if let Ok(value) = word.parse::<f64>() {
            found.push(value);
            continue;
        }
        if let Some(value) = number_word(word, lang) {
            found.push(value);
        }
    }
    if lang == Lang::Zh || normal.chars().any(super::normalize::is_han) {
        found.extend(han_numbers(normal));
    }
    found
}

const EN_NUMBERS: &[(&str, f64)] = &[
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("fifty", 50.0),
    ("hundred", 100.0),
    ("twice", 2.0),
    ("double", 2.0),
    ("doubled", 2.0),
    ("triple", 3.0),
    ("tripled", 3.0),
    ("quadrupled", 4.0),
    ("half", 0.5),
    ("quarter", 0.25),
    ("second", 2.0),
    ("third", 3.0),
    ("fourth", 4.0),
    ("fifth", 5.0),
    ("ninth", 9.0),
    ("tenth", 10.0),
    ("eleventh", 11.0),
    ("twelfth", 12.0),
    ("fifteenth", 15.0),
    ("thirteenth", 13.0),
    ("fourteenth", 14.0),
];

const RU_NUMBERS: &[(&str, f64)] = &[
    ("два", 2.0),
    ("две", 2.0),
    ("три", 3.0),
    ("четыре", 4.0),
    ("пять", 5.0),
    ("шесть", 6.0),
    ("семь", 7.0),
    ("восемь", 8.0),
    ("девять", 9.0),
    ("десять", 10.0),
    ("двенадцать", 12.0),
    ("двадцать", 20.0),
    ("тридцать", 30.0),
    ("сорок", 40.0),
    ("сто", 100.0),
    ("вдвое", 2.0),
    ("втрое", 3.0),
    ("вчетверо", 4.0),
    ("впятеро", 5.0),
    ("удвоился", 2.0),
    ("утроился", 3.0),
    ("половина", 0.5),
    ("половину", 0.5),
    ("четверть", 0.25),
];

// Folded spelling, as `normalize` leaves Kazakh.
const KK_NUMBERS: &[(&str, f64)] = &[
    ("еки", 2.0),
    ("уш", 3.0),
    ("торт", 4.0),
    ("бес", 5.0),
    ("алты", 6.0),
    ("жети", 7.0),
    ("сегиз", 8.0),
    ("тогыз", 9.0),
    ("он", 10.0),
    ("жиырма", 20.0),
    ("отыз", 30.0),
    ("кырык", 40.0),
    ("жуз", 100.0),
    ("жарты", 0.5),
    ("ширек", 0.25),
];

fn number_word(word: &str, lang: Lang) -> Option<f64> {
    let table = match lang {
        Lang::En => EN_NUMBERS,
        Lang::Ru => RU_NUMBERS,
        Lang::Kk => KK_NUMBERS,
        Lang::Zh => return None,
    };
    if let Some(&(_, value)) = table.iter().find(|(w, _)| *w == word) {
        return Some(value);
    }
    // "fivefold", "12fold"; ordinals ("11th") are split by `normalize` and read as digits
    let stem = word.strip_suffix("fold")?;
    stem.parse::<f64>()
        .ok()
        .or_else(|| EN_NUMBERS.iter().find(|(w, _)| *w == stem).map(|&(_, v)| v))
}

/// Chinese numerals before 倍 (times), 个 or 分之: "十二倍" is 12; "一半" is 0.5.
fn han_numbers(normal: &str) -> Vec<f64> {
    let digit = |c: char| "零一二三四五六七八九".find(c).map(|i| (i / 3) as f64);
    let chars: Vec<char> = normal.chars().filter(|c| *c != ' ').collect();
    let mut found = Vec::new();
    if normal.contains("一半") {
        found.push(0.5);
    }
    if normal.contains("两倍") || normal.contains("翻一番") || normal.contains("翻倍") {
        found.push(2.0);
    }
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        let mut value = 0.0;
        let mut pending = 0.0;
        while i < chars.len() {
            match chars[i] {
                '十' => {
                    value += if pending == 0.0 { 10.0 } else { pending * 10.0 };
                    pending = 0.0;
                }
                c => match digit(c) {
                    Some(d) => pending = d,
                    None => break,
                },
            }
            i += 1;
        }
        if i > start {
            let total = value + pending;
            // "五十多家", "二十来个": an approximate count is still one.
            let unit_at = match chars.get(i) {
                Some('多' | '来' | '余') => i + 1,
                _ => i,
            };
            // "一家" is as often "a family" as "one firm".
            let counted = chars.get(unit_at).is_some_and(|c| match c {
                '倍' | '个' | '座' | '对' => true,
                '家' | '名' => total >= 2.0,
                _ => false,
            });
            // "第十一次会议": an ordinal states its number too.
            let ordinal = start > 0 && chars[start - 1] == '第';
            if (counted || ordinal) && total > 0.0 {
                found.push(total);
            }
        } else {
            i += 1;
        }
    }
    found
}

const MONTHS: &[(&str, u8)] = &[
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("jan", 1),
    ("feb", 2),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
    ("январ", 1),
    ("феврал", 2),
    ("март", 3),
    ("апрел", 4),
    ("мая", 5),
    ("май", 5),
    ("июн", 6),
    ("июл", 7),
    ("август", 8),
    ("сентябр", 9),
    ("октябр", 10),
    ("ноябр", 11),
    ("декабр", 12),
    ("кантар", 1),
    ("акпан", 2),
    ("наурыз", 3),
    ("сауир", 4),
    ("мамыр", 5),
    ("маусым", 6),
    ("шилде", 7),
    ("тамыз", 8),
    ("кыркуйек", 9),
    ("казан", 10),
    ("карашa", 11),
    ("караша", 11),
    ("желтоксан", 12),
];

/// Months a text names ("November", "ноября", "қараша", "11月").
pub fn months(normal: &str) -> Vec<u8> {
    let mut found: Vec<u8> = Vec::new();
    for word in normal.split(' ') {
        let month = MONTHS.iter().find(|(name, _)| {
            if name.len() <= 4 && name.is_ascii() {
                word == *name
            } else {
                word.starts_with(name)
            }
        });
        if let Some(&(_, m)) = month {
            if !found.contains(&m) {
                found.push(m);
            }
        }
    }
    // "11 月" after normalisation splits digits from characters.
    let words: Vec<&str> = normal.split(' ').collect();
    for pair in words.windows(2) {
        if pair[1].starts_with('月') {
            if let Ok(m) = pair[0].parse::<u8>() {
                if (1..=12).contains(&m) && !found.contains(&m) {
                    found.push(m);
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_a_how_many_counts() {
        let cases = [
            ("how many minutes does the crossing take", Some("minutes")),
            ("how much money did they sign", Some("money")),
            ("how much of the stuff goes across kazakhstan", None),
            ("how much in deals have kazakh firms signed", None),
            ("by how much did they say trade had grown", None),
            ("сколько студентов учится", Some("студентов")),
        ];
        for (text, counted) in cases {
            let lang = crate::matching::detect_lang(text, None);
            let part = read_part(text, lang);
            assert_eq!(part.counted.as_deref(), counted, "{text}");
        }
    }

    #[test]
    fn finds_what_a_chinese_how_many_counts() {
        let cases = [
            ("霍尔果斯口岸一天能过多少辆货车", Some("辆")),
            ("其他口岸每天开几个小时", Some("小时")),
            ("免签能待多少天啊", Some("天")),
            ("累计合同签了多少钱", Some("dollars")),
            ("签了多少金额的合同", Some("dollars")),
            ("中欧货物多少比例过哈萨克斯坦", Some("percent")),
            ("去了多少万人", None),
            ("机票预订量涨了几倍", None),
            ("第一批是哪几个城市", None),
            ("中国排前几名", None),
            ("几点关门", None),
            ("贸易额是多少", None),
        ];
        for (text, counted) in cases {
            let part = read_part(text, Lang::Zh);
            assert_eq!(part.counted.as_deref(), counted, "{text}");
        }
    }

    #[test]
    fn reads_what_a_part_asks() {
        let cases = [
            ("When did the visa-free regime start?", Lang::En, Asks::When),
            ("what year was it declared", Lang::En, Asks::When),
            ("How many sister cities are there?", Lang::En, Asks::HowMany),
            ("what's the ticket price", Lang::En, Asks::HowMany),
            ("Who is the ambassador?", Lang::En, Asks::Who),
            ("where is the summit", Lang::En, Asks::Where),
            ("Is the border open at night?", Lang::En, Asks::YesNo),
            (
                "Когда начал действовать безвизовый режим?",
                Lang::Ru,
                Asks::When,
            ),
            ("сколько стоит билет", Lang::Ru, Asks::HowMany),
            ("Визасыз режим қашан басталды?", Lang::Kk, Asks::When),
            ("сауда колеми канша", Lang::Kk, Asks::HowMany),
            ("免签什么时候开始？", Lang::Zh, Asks::When),
            ("贸易额是多少", Lang::Zh, Asks::HowMany),
            ("谁是大使", Lang::Zh, Asks::Who),
            (
                "When Smailov met Li Qiang, by how much had trade grown?",
                Lang::En,
                Asks::HowMany,
            ),
            ("When did visas end, do you know?", Lang::En, Asks::When),
            ("which one is it?", Lang::En, Asks::What),
            // Exactness alone asks for no day.
            ("what exactly is her position?", Lang::En, Asks::What),
            ("Какого именно числа он прилетел?", Lang::Ru, Asks::When),
        ];
        for (text, lang, asks) in cases {
            assert_eq!(read_part(text, lang).asks, asks, "{text}");
        }
    }

    #[test]
    fn finds_claims_and_their_values() {
        let cases: [(&str, Lang, Option<&[f64]>); 8] = [
            (
                "I read that trade hit $30 billion in 2022, is that right?",
                Lang::En,
                Some(&[30.0, 2022.0]),
            ),
            ("tourists grew fivefold, true?", Lang::En, Some(&[5.0])),
            (
                "правда ли, что туристов стало в пять раз больше?",
                Lang::Ru,
                Some(&[5.0]),
            ),
            ("听说中国游客增长了12倍，对吗？", Lang::Zh, Some(&[12.0])),
            ("游客增长了十二倍，是真的吗", Lang::Zh, Some(&[12.0])),
            ("看新闻说中国车占了23%，真的假的", Lang::Zh, Some(&[23.0])),
            ("пишут, что туристов 126 тысяч", Lang::Ru, Some(&[126.0])),
            ("When did the visa-free regime start?", Lang::En, None),
        ];
        for (text, lang, numbers) in cases {
            let part = read_part(text, lang);
            assert_eq!(
                part.claim.as_ref().map(|c| c.numbers.as_slice()),
                numbers,
                "{text}"
            );
        }
    }

    #[test]
    fn splits_messages_into_parts() {
        let cases: [(&str, Lang, &[&str]); 10] = [
            (
                "When did the visa-free regime start and how long can I stay?",
                Lang::En,
                &["When did the visa-free regime start", "how long can I stay?"],
            ),
            (
                "What was trade between Kazakhstan and China in 2022?",
                Lang::En,
                &["What was trade between Kazakhstan and China in 2022?"],
            ),
            (
                "My family is going to Almaty next month. We love the mountains. How long can we stay without a visa?",
                Lang::En,
                &["How long can we stay without a visa?"],
            ),
            (
                "what was trade in 2022 and what's the target?",
                Lang::En,
                &["what was trade in 2022", "what's the target?"],
            ),
            (
                "1) when did it start 2) how many days",
                Lang::En,
                &["when did it start", "how many days"],
            ),
            (
                "кытайга визасыз канша кун турга болады, жалпы лимит канша",
                Lang::Kk,
                &["кытайга визасыз канша кун турга болады,", "жалпы лимит канша"],
            ),
            (
                "1) визасыз режим қай күні басталды 2) бір жолы неше күн болуға болады",
                Lang::Kk,
                &["визасыз режим қай күні басталды", "бір жолы неше күн болуға болады"],
            ),
            ("trade was 24.2 billion?", Lang::En, &["trade was 24.2 billion?"]),
            (
                "Когда начался безвизовый режим и сколько дней можно находиться?",
                Lang::Ru,
                &["Когда начался безвизовый режим", "сколько дней можно находиться?"],
            ),
            (
                "免签什么时候开始的，可以停留多少天？",
                Lang::Zh,
                &["免签什么时候开始的", "可以停留多少天？"],
            ),
        ];
        for (text, lang, parts) in cases {
            assert_eq!(split_parts(text, lang), parts, "{text}");
        }
    }

    #[test]
    fn reads_months() {
        assert_eq!(months(&normalize("on 10 November")), vec![11]);
        assert_eq!(months(&normalize("10 ноября 2023")), vec![11]);
        assert_eq!(months(&normalize("2023年11月10日")), vec![11]);
    }
}
