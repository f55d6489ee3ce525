//! What the engine understands beyond our own phrasings, one table per kind of question:
//! details inside a fact, long messages, several questions at once, claims to check,
//! comparisons, Russian and Kazakh typed in Latin letters, traditional Chinese, questions the
//! facts cannot answer, outside words, and follow-ups. Each case says what the answer must
//! contain (a figure, a date, a name), never which intent it comes from.

use kzcn_bot::knowledge::Lang;
use kzcn_bot::{Answer, Kind};

use crate::util::engine;

/// What a reply must show.
enum Expect {
    /// Answered, and the body holds every one of these.
    Says(&'static [&'static str]),
    /// Answered with a verdict on the claim (true: right), and the body holds these.
    Verdict(bool, &'static [&'static str]),
    /// The articles do not give what is asked: no intent, the topic offered instead.
    NotStated,
    /// Not answered at all.
    Refused,
}

fn body(answer: &Answer) -> String {
    answer.paragraphs.join("\n")
}

fn check(question: &str, expect: &Expect) -> Result<(), String> {
    let answer = engine().answer(question, None);
    let text = body(&answer);
    let fail = |why: &str| Err(format!("{question:?}: {why}\n{text}"));
    match expect {
        Expect::Says(needles) | Expect::Verdict(_, needles) => {
            if answer.kind != Kind::Answered {
                return fail(&format!("not answered ({:?})", answer.kind));
            }
            if let Some(missing) = needles.iter().find(|n| !text.contains(*n)) {
                return fail(&format!("lacks {missing:?}"));
            }
        }
        Expect::NotStated => {
            if answer.kind != Kind::NotStated || answer.intent.is_some() {
                return fail(&format!("expected 'not stated', got {:?}", answer.kind));
            }
            if answer.suggestions.is_empty() {
                return fail("offers no related topic");
            }
        }
        Expect::Refused => {
            if answer.intent.is_some() {
                return fail(&format!("answered with {:?}", answer.intent));
            }
        }
    }
    if let Expect::Verdict(right, _) = expect {
        let id = if *right { "claim_right" } else { "claim_wrong" };
        let verdict = engine().knowledge().message(id, answer.lang);
        if !text.starts_with(verdict) {
            return fail(&format!("does not open with {verdict:?}"));
        }
    }
    Ok(())
}

fn run(cases: &[(&str, Expect)]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(question, expect)| check(question, expect).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn details_inside_a_fact_are_answered_from_its_text() {
    use Expect::*;
    run(&[
        // The temple she saw is part of the visit, not only of her remarks on cleanliness.
        (
            "what temple did Nurgaliyeva see in Qufu",
            Says(&["Confucius"]),
        ),
        // The energy projects raised at a meeting belong to the meeting's own fact.
        (
            "which energy projects did the Kazakh side bring up with China's first vice premier in November 2023?",
            Says(&["oil pipeline", "Shymkent"]),
        ),
        // Who reported a meeting is part of the fact, as the article gives it.
        (
            "who put out the news about tokayev receiving ding xuexiang?",
            Says(&["Akorda press service"]),
        ),
        (
            "Кто сообщил о переговорах Смаилова и Ли Цяна?",
            Says(&["пресс-служба премьер-министра"]),
        ),
        // A question worded unlike any phrasing, that points at one topic only, is answered
        // rather than met with a "did you mean" of one entry.
        (
            "wat is the name of the chinese workshp project that was set up in kz",
            Says(&["Luban"]),
        ),
        (
            "Which ministry counted the twelvefold rise in Chinese tourists?",
            Says(&["Culture and Sports"]),
        ),
        (
            "What is the street that symbolises friendship named after?",
            Says(&["Xian Xinghai"]),
        ),
        (
            "which kazakh cities joined the silk road tourism alliance first",
            Says(&["Konaev", "Turkistan"]),
        ),
        (
            "Где находится парк Чарын и почему он популярен?",
            Says(&["Чарын"]),
        ),
        (
            "哪三座哈萨克斯坦城市加入了丝绸之路城市旅游联盟？",
            Says(&["突厥斯坦"]),
        ),
    ]);
}

#[test]
fn regression_facts_buried_in_a_broad_topic_were_offered_not_answered() {
    use Expect::*;
    // The land-area rank and the Xian Xinghai street were facts of the topic on places
    // tourists like, whose phrasings ask about destinations: questions about them scored
    // too low and got a "did you mean". Each is now a topic of its own.
    // "Where does it rank" asked a place, which no fact of the new topic names.
    run(&[
        (
            "where does kz rank worldwide by land size",
            Says(&["ninth"]),
        ),
        (
            "where's kazakhstan on the list of biggest countries",
            Says(&["ninth"]),
        ),
        ("哈萨克斯坦国土面积在全世界排第几", Says(&["第九"])),
        (
            "казахстан по площади на каком месте в мире",
            Says(&["девятая"]),
        ),
        (
            "阿斯塔纳有条街是用中国人名字命名的 纪念的是谁",
            Says(&["冼星海"]),
        ),
    ]);
}

#[test]
fn the_fact_the_question_matched_leads_the_answer() {
    use Expect::*;
    // Another fact of the topic repeats more of the question's words ("қытай көліктерінің"),
    // but the one about the market share is what it matched, and it holds the figure asked.
    run(&[("Қытай көліктерінің нарықтағы үлесі қанша", Says(&["23%"]))]);
    let answer = engine().answer("Қытай көліктерінің нарықтағы үлесі қанша", None);
    assert!(answer.paragraphs[0].contains("23%"), "{}", answer.text);
}

#[test]
fn long_messages_are_answered_from_the_question_in_them() {
    use Expect::*;
    run(&[
        (
            "Hello! My parents live in Shymkent and want to visit my sister in Urumqi. They \
             hate paperwork and last time the visa took weeks. How many days can they stay on \
             one trip now?",
            Says(&["30"]),
        ),
        (
            "Добрый день. Я пишу диплом о торговле, научный руководитель просит свежие цифры. \
             Каким был товарооборот Казахстана и Китая в 2022 году?",
            Says(&["24,2"]),
        ),
    ]);
}

#[test]
fn regression_a_question_naming_nothing_was_answered_without_the_story_before_it() {
    use Expect::*;
    // "What was the number?" reads only as the term for a number, which every topic's
    // phrasings share: it was answered on its own, with the Clean Kazakhstan campaign.
    run(&[
        (
            "Smailov spoke about trade growth in Shanghai. What was the number?",
            Says(&["21%"]),
        ),
        // The same for a second part: "and how much was it" belongs to the first.
        (
            "In Jan-May 2024, did Kazakhstan-China trade go up or down compared to the same \
             period a year before, and how much was it",
            Says(&["17.62", "18%"]),
        ),
    ]);
}

#[test]
fn several_questions_in_one_message_are_each_answered() {
    use Expect::*;
    run(&[
        (
            "When did the visa-free regime start and how long can I stay each time?",
            Says(&["10 November 2023", "30 calendar days"]),
        ),
        (
            "1) how many freight trains passed Khorgos and Alashankou 2) how many sister city pairs are there",
            Says(&["5,000", "26"]),
        ),
        (
            "Когда начал действовать безвизовый режим? И сколько дней можно находиться в Китае?",
            Says(&["10 ноября", "30"]),
        ),
        // Numbered items are each a question, though the question word stands mid-sentence.
        (
            "1) визасыз режим қай күні басталды 2) сауда көлемі 2022 жылы қанша болды",
            Says(&["10 қарашада", "24,2"]),
        ),
        // Two parts that first read as the same question: the second takes the close
        // runner-up (the limit over 180 days, not one stay again).
        (
            "1）免签一次能待几天 2）180天里面累计最多能待几天",
            Says(&["30个日历日", "90个日历日"]),
        ),
        // The second question is about another fact of the same topic, and names the topic
        // only through the first.
        ("进博会哈萨克去了多少家企业？累计合同签了多少钱？", Says(&["100", "3.07"])),
        // The second part points back ("there") and matches another topic on its own.
        (
            "When was the Qingdao parties dialogue and how many participants were there?",
            Says(&["3 November", "150"]),
        ),
        // A Kazakh question word closing each clause: "…, жалпы лимит қанша".
        (
            "визасыз неше күн болуға болады, жалпы лимит қанша",
            Says(&["30", "90"]),
        ),
    ]);
}

#[test]
fn claims_are_checked_against_the_facts() {
    use Expect::*;
    run(&[
        (
            "I read that trade hit $24.2 billion in 2022, is that right?",
            Verdict(true, &["24.2"]),
        ),
        // Regression: the wrong city was called wrong, but the reply gave only the fact its
        // words matched best (Kazakhstan's consulate in Xi'an), not the one that corrects it.
        (
            "Қытай Шымкентте бас консулдық ашпақ деп естідім, дұрыс па?",
            Verdict(false, &["Ақтөбе"]),
        ),
        (
            "I heard trade reached $30 billion in 2022, true?",
            Verdict(false, &["24.2"]),
        ),
        (
            "Is it true that one visa-free stay can last 60 days?",
            Verdict(false, &["30"]),
        ),
        (
            "the number of chinese tourists grew fivefold, right?",
            Verdict(false, &["12"]),
        ),
        (
            "Правда ли, что безвизовый режим начал действовать 10 ноября 2023 года?",
            Verdict(true, &["10 ноября"]),
        ),
        ("听说每次免签可以停留60天，对吗？", Verdict(false, &["30"])),
        // Regression: Chinese numerals were read only before 倍, 个, 座 and 对, so an ordinal
        // ("第十次") or an approximate count ("五十多家") claimed nothing to check.
        (
            "丁薛祥出席的是中哈合作委员会第十次会议吧？",
            Verdict(false, &["第十一次"]),
        ),
        (
            "哈萨克斯坦只有五十多家公司参加了进博会，对吗",
            Verdict(false, &["100"]),
        ),
        // The fact stating the claimed figure is the one checked, even where another fact
        // of the topic shares more of the question's words.
        (
            "қытай көліктерінің біздің нарықтағы үлесі 23 пайыз деп естідім, дұрыс па",
            Verdict(true, &["23"]),
        ),
        (
            "看新闻说中国车在哈萨克市场占了23%，真的假的",
            Verdict(true, &["23"]),
        ),
        // Too loosely worded to answer outright, but the claimed figure is what one of the
        // offered topics states.
        (
            "a friend told me trade in 2022 hit a record 24.2 billion dollars, true?",
            Verdict(true, &["24.2"]),
        ),
        // A place the facts checked do not name, in any language and case, is a wrong claim;
        // the place they do name bears it out.
        (
            "I heard Kazakhstan opened its new consulate general in Chengdu, right?",
            Verdict(false, &["Consulate General"]),
        ),
        (
            "правда, что первыми побратимами стали Астана и Пекин?",
            Verdict(false, &["Алматы"]),
        ),
        (
            "托卡耶夫和习近平是在上海见的面，是吧？",
            Verdict(false, &["北京"]),
        ),
        (
            "so tokayev received ding xuexiang in astana on 27 november, right?",
            Verdict(true, &["Astana"]),
        ),
        // A yes/no question stating a figure or a date is a claim, in any language.
        (
            "Can I stay 60 days in China without a visa?",
            Verdict(false, &["30"]),
        ),
        (
            "Тоқаев Дин Сюэсянды 27 қарашада Астанада қабылдады ма?",
            Verdict(true, &["27"]),
        ),
        // "Two" as a word counts the two presidents, and was checked as a figure claimed.
        (
            "екі президент сауда айналымын 40 млрд долларға жеткізуді мақсат етіпті ғой, дұрыс па",
            Verdict(true, &["40"]),
        ),
        // A sum of money is not borne out by a percentage of the same number (35%).
        (
            "2022 жылы екі ел арасындағы сауда 35 млрд долларға жетті деп оқыдым, дұрыс па?",
            Verdict(false, &["24,2"]),
        ),
        // The fact that corrects a claim may be a close neighbour's: "60 days per trip" scored
        // the limit over 180 days first, and the 30 days of one stay were not given.
        (
            "visa free lets you stay 60 days each trip right?",
            Verdict(false, &["90", "30 calendar days"]),
        ),
        (
            "I heard China and Kazakhstan have 16 pairs of sister provinces and cities. Correct?",
            Verdict(false, &["26"]),
        ),
        // A capital starting the next sentence is no name the facts lack.
        (
            "Есть инфа, что пункт Нур Жолы – Хоргос теперь работает круглосуточно. Подтвердите?",
            Verdict(true, &["круглосуточно"]),
        ),
    ]);
}

#[test]
fn misspelt_words_are_read_as_meant() {
    use Expect::*;
    run(&[
        // A misspelt stop word ("witout", "betwen") is a stop word, not an unknown word that
        // counts against the match; a three-letter word may have lost a letter ("vsa", "lon").
        ("how lon can i stay in chna witout a vsa?", Says(&["30"])),
        (
            "what was trade betwen kazakstan and china in 2022",
            Says(&["24.2"]),
        ),
        // As close to "much" as to "match": the stop word wins the tie.
        ("how mutch was trade in 2022", Says(&["24.2"])),
        // "adn" is "and" swapped, in English: not a reason to read the question as Russian.
        ("belt adn road kazakhstan", Says(&["Belt and Road"])),
        // One wrong letter in a long word ("консулство") costs less than in a short one: it
        // was a "did you mean".
        (
            "v kakom gorode kitai hochet otkryt konsulstvo",
            Says(&["Актобе"]),
        ),
    ]);
}

#[test]
fn regression_a_percentage_question_counted_the_verb_after_it() {
    use Expect::*;
    // "процентов" was skipped as a filler, so "подросла" became the thing counted, and no
    // fact counts "подросла": the figure was said not to be in the articles.
    run(&[(
        "на сколько процентов подросла торговля с Китаем за первые 10 месяцев 2023 года?",
        Says(&["24%"]),
    )]);
}

#[test]
fn regression_the_word_after_how_many_was_taken_for_what_it_counts() {
    use Expect::*;
    // "наших", "ppl", a verb in the past tense and slang the base does not know were each
    // taken for the thing counted, no fact counts them, and the figure was said not to be
    // in the articles. Units of measure still have to be stated.
    run(&[
        (
            "сколько наших компаний было на выставке CIIE?",
            Says(&["100"]),
        ),
        (
            "на сколько прибавила торговля с Китаем за десять месяцев 2023 года",
            Says(&["24%"]),
        ),
        (
            "how many ppl attended the party dialogue in Qingdao",
            Says(&["150"]),
        ),
        (
            "сколько товарняков прошло через Хоргос и Алашанькоу в этом году",
            Says(&["5000"]),
        ),
        ("两国领导人定的贸易目标是多少刀", Says(&["400"])),
        (
            "сколько тонн в год прокачивает нефтепровод Казахстан — Китай",
            NotStated,
        ),
    ]);
}

#[test]
fn regression_a_second_question_after_a_joiner_was_lost() {
    use Expect::*;
    // "What's" opened no question, a Kazakh or Russian question word after "және"/"и" but
    // not right after it cut nothing, "какую" made no clause a question, and a later part
    // whose own words scored another topic first kept no answer at all.
    run(&[
        (
            "what's the trade goal and when did the visa-free regime start",
            Says(&["40", "10"]),
        ),
        (
            "when were Almaty and Urumqi twinned? also how many pairs are there in all",
            Says(&["1993", "26"]),
        ),
        (
            "визасыз режим қай күні басталды және бір сапарда неше күн болуға болады",
            Says(&["10", "30"]),
        ),
        (
            "сколько фирм ездило на CIIE и на какую сумму подписали контракты",
            Says(&["100", "307"]),
        ),
        (
            "all the contracts kz firms signed at the ciie, what's that worth",
            Says(&["307"]),
        ),
        // A joiner between two names cuts nothing.
        (
            "когда Пекин и Астана стали побратимами и есть ли между ними прямые рейсы?",
            Says(&["2006"]),
        ),
        (
            "Сколько студентов учится в мастерской Лубань и в каком она городе?",
            NotStated,
        ),
    ]);
}

#[test]
fn comparisons_give_both_figures() {
    use Expect::*;
    run(&[
        // Regression: "give me both figures" asked nothing a comparison of figures answers,
        // and a side whose words named both topics ("visa-free: one stay…") found the same
        // fact as the other, so only one figure was given.
        (
            "how did trade change from 2022 to 2023? give me both figures",
            Says(&["24.2", "41"]),
        ),
        (
            "visa-free: single trip limit vs the total limit in 180 days, what are the numbers",
            Says(&["30", "90"]),
        ),
        (
            "Was trade bigger in 2022 or in 2023?",
            Says(&["24.2", "41", "higher"]),
        ),
        // "How far" asks a distance, except in a comparison.
        (
            "how far was the 2022 trade figure from the 40 bn goal?",
            Says(&["24.2", "40"]),
        ),
        (
            "товарооборот в 2023 году больше или меньше, чем в 2022?",
            Says(&["24,2", "41"]),
        ),
        // How fast: the growth rates are compared, not the amounts.
        (
            "did trade grow faster in 2022 or in the first 10 months of 2023?",
            Says(&["35%", "24%", "2022 is higher"]),
        ),
        (
            "где торговля росла быстрее, в 2022 году или за 10 месяцев 2023?",
            Says(&["35%", "24%"]),
        ),
        // The figures named in a sentence before the question are the ones compared.
        (
            "the PM spoke of a record 24.2 billion, the ambassador of 41 billion. so did it go up or down?",
            Says(&["24.2", "41", "2023 is higher"]),
        ),
        // Two topics: a figure and the target, one stay and the total over 180 days.
        (
            "what is the difference between trade in 2022 and the 40 billion target?",
            Says(&["24.2", "40"]),
        ),
        (
            "насколько товарооборот 2022 года далёк от цели, которую поставили президенты?",
            Says(&["24,2", "40"]),
        ),
        (
            "which is longer, one visa-free stay or the total you may spend in 180 days?",
            Says(&["30", "90"]),
        ),
        (
            "那年创纪录的贸易额跟两国元首定的目标比，还差多少？",
            Says(&["242", "400"]),
        ),
        // A figure the question states is compared though the year it names is another:
        // only 2023's figure was given.
        (
            "how much did kz-china trade jump from that 24.2bn record to what it was in 2023?",
            Says(&["24.2", "41"]),
        ),
    ]);
}

/// Regression: "the figure for 2023 is higher than for January–May 2024" compared a whole
/// year with five months of the next; amounts are compared only over periods alike.
#[test]
fn regression_a_whole_year_was_compared_with_five_months() {
    let answer = engine().answer("compare trade in 2023 with january to may 2024", None);
    let text = body(&answer);
    assert!(text.contains("41") && text.contains("17.62"), "{text}");
    assert!(!text.contains("is higher"), "{text}");
}

#[test]
fn russian_and_kazakh_in_latin_letters_and_traditional_chinese_are_read() {
    use Expect::*;
    run(&[
        (
            "kogda nachal deistvovat bezvizovyi rezhim?",
            Says(&["10 ноября 2023"]),
        ),
        ("skolko dnei mozhno nahoditsya bez vizy", Says(&["30"])),
        ("Qytaimen vizasyz rezhim qashan bastaldy?", Says(&["2023"])),
        // Kazakh "j" is ж and "ng" is ң: "jyl", "juk", "bizding".
        ("jyl sayin qansha juk poiyzy otedi", Says(&["5 000"])),
        (
            "bizding elge vizasyz neshe kun bolugha bolady",
            Says(&["30"]),
        ),
        // "do" is Russian "до", not the English word that once kept it English.
        (
            "do kakogo goda kz hochet dostich uglerodnoi neitralnosti",
            Says(&["2060"]),
        ),
        ("免簽制度什麼時候開始？", Says(&["2023年11月10日"])),
    ]);
    let answer = engine().answer("kogda nachal deistvovat bezvizovyi rezhim?", None);
    assert_eq!(
        answer.lang,
        Lang::Ru,
        "Latin-typed Russian is answered in Russian"
    );
    let answer = engine().answer("免簽制度什麼時候開始？", None);
    assert!(
        body(&answer).contains("簽"),
        "traditional in, traditional out"
    );
}

#[test]
fn what_the_facts_do_not_state_is_said_plainly() {
    use Expect::*;
    run(&[
        ("How many people work at the Luban Workshop?", NotStated),
        (
            "How much does a ticket on the Xi'an–Almaty charter train cost?",
            Refused,
        ),
        (
            "how many minutes does the border crossing at Nur Zholy take now",
            NotStated,
        ),
        ("Сколько человек работает в мастерской Лубань?", NotStated),
        // A sum of money is answered only by a fact that states one, not by a rank.
        (
            "how many dollars has China invested in Kazakhstan in total?",
            NotStated,
        ),
        ("中国对哈萨克斯坦的投资一共有多少亿美元？", NotStated),
        // Regression: "啥时候" and a later "дата есть?" asked no date, so the plan to open a
        // consulate was given as if it answered when.
        ("中国在阿克托别的总领事馆啥时候开馆", NotStated),
        (
            "когда откроется консульство Китая в Актобе? дата есть?",
            NotStated,
        ),
        // Regression: "what … in dollars" asked "what", which any fact of the topic answers.
        (
            "what is the total of chinese investment in kazakhstan in dollars",
            NotStated,
        ),
        (
            "Қытай Қазақстанға барлығы қанша доллар инвестиция салған?",
            NotStated,
        ),
        // Where: a fact that names no place does not say where.
        ("In which city is the Luban Workshop?", NotStated),
        ("鲁班工坊开在哈萨克斯坦哪个城市？", NotStated),
        (
            "In which Kazakh city is the Luban Workshop located?",
            NotStated,
        ),
        (
            "Where is China opening a new consulate general?",
            Says(&["Aktobe"]),
        ),
        // "How much" names no thing counted: "how much of the stuff" is a share, "how much
        // in deals" a sum; both were refused because no fact says "stuff" or "deals".
        (
            "How much of the stuff shipped from China to Europe actually goes across Kazakhstan?",
            Says(&["85%"]),
        ),
        (
            "all in all how much in deals have kazakh firms signed at that big chinese import expo over the years",
            Says(&["$307 million"]),
        ),
        // "Exactly" asks for no date: it was read as "on which day".
        ("what exactly is Madina Nurgaliyeva's position?", Says(&["Amanat"])),
        (
            "Какого именно числа Си Цзиньпин прилетел в Астану в июле?",
            NotStated,
        ),
        // The only date of a plan is the year it was reported: it does not say when.
        (
            "When will China's consulate in Aktobe actually open?",
            NotStated,
        ),
        (
            "Когда точно откроется генконсульство Китая в Актобе?",
            NotStated,
        ),
        // Chinese: the thing counted follows "多少" and its measure word. No fact counts
        // trucks; one counts days as 日, another trains in 列, sister cities in 对.
        ("霍尔果斯口岸一天能过多少辆货车", NotStated),
        ("免签能待多少天", Says(&["30"])),
        (
            "经霍尔果斯和阿拉山口的货运班列累计跑了多少趟",
            Says(&["5000"]),
        ),
        ("新疆跟哈萨克斯坦一共结了几对友城", Says(&["26"])),
        (
            "丝绸之路城市旅游联盟第一批加入的哈萨克城市是哪几个",
            Says(&["奇姆肯特"]),
        ),
    ]);
    let answer = engine().answer("How many people work at the Luban Workshop?", None);
    assert!(
        answer.paragraphs[0].starts_with("The articles don't give a figure"),
        "{}",
        answer.text
    );
}

#[test]
fn regression_a_word_for_staying_swallowed_the_question_how_long() {
    use Expect::*;
    // "待几天" (stay how many days) was read as "stay" alone once staying had words of its
    // own, and the question lost its "how long".
    run(&[
        ("免签了以后 每次进去最长能连着待几天", Says(&["30"])),
        ("免签的话一趟过去最长能玩多久啊", Says(&["30"])),
    ]);
}

#[test]
fn travellers_counted_one_way_do_not_answer_the_other() {
    use Expect::*;
    // The articles count tourists from China in Kazakhstan, never Kazakhs going to China; the
    // bot gave the 126 thousand Chinese tourists for "how many Kazakhs went to China", and
    // when that topic was refused, fell to a runner-up about visas.
    run(&[
        (
            "how many kazakh citizens have visited china since the start of 2024?",
            NotStated,
        ),
        (
            "Сколько казахстанцев съездило в Китай с начала года?",
            NotStated,
        ),
        (
            "2024 жылдың басынан бері Қазақстаннан Қытайға қанша адам барды?",
            NotStated,
        ),
        ("2024年以来一共有多少哈萨克斯坦人去了中国？", NotStated),
        // The way the articles count is still answered, in every language.
        (
            "how many tourists came from China to Kazakhstan between November and March?",
            Says(&["126"]),
        ),
        (
            "Сколько китайских туристов приехало в Казахстан?",
            Says(&["126"]),
        ),
        ("免签后有多少中国游客去了哈萨克斯坦？", Says(&["12.6"])),
        // "以来" ends in the verb "come", not a trip to China.
        (
            "2024年3月以来中国飞哈萨克斯坦的机票预订多了多少？",
            Says(&["3"]),
        ),
        // Goods in transit go neither way between the two.
        (
            "中国发往欧洲的货，大概有多大比例是从哈萨克斯坦过境的？",
            Says(&["85"]),
        ),
        // Visas work both ways: a question about one way is answered.
        (
            "Can Chinese citizens stay in Kazakhstan without a visa, and for how long?",
            Says(&["30"]),
        ),
        // A count of travellers one way is not answered by a topic that counts none: the
        // visa rules (their 30 and 90 days) were given for "how many Kazakh citizens".
        (
            "how many kazakh citizens visited china in 2024 so far?",
            NotStated,
        ),
        ("今年到现在一共有多少哈萨克斯坦人去了中国", NotStated),
        (
            "2024 жылдың басынан бері Қытайға қанша қазақстандық барды?",
            NotStated,
        ),
        // How long they may stay is no count of travellers.
        ("how many days can kazakhs stay in china", Says(&["30"])),
        (
            "Қытай импорт көрмесіне қанша қазақстандық компания қатысты?",
            Says(&["100"]),
        ),
    ]);
}

#[test]
fn outside_words_weigh_against_an_answer_but_never_veto_our_own_phrasings() {
    use Expect::*;
    run(&[
        ("Do Kazakh citizens need a visa for Japan?", Refused),
        ("What is the weather in Almaty today?", Refused),
        ("Какой товарооборот у Казахстана с Россией?", Refused),
        // A question about another country, though every other word of it fits a fact.
        ("Өзбекстан азаматтары Қытайға визасыз бара ала ма?", Refused),
        ("中俄去年贸易额是多少？", Refused),
        ("台灣護照去哈薩克需要簽證嗎", Refused),
        // A penalty is no figure the articles give, though the stay it punishes is.
        (
            "what's the penalty if you overstay the 30 visa-free days?",
            Refused,
        ),
        ("визасыз 30 күннен асып кетсем айыппұлы қанша?", Refused),
        (
            "есть ли безвиз между казахстаном и турцией и на сколько дней",
            Refused,
        ),
        // Everyday matters of travel and history, where a place or "become" carried the score.
        ("when did kazakhstan become independent", Refused),
        ("阿斯塔纳冬天一般多冷啊", Refused),
        ("阿拉木图有啥好吃的餐厅推荐", Refused),
        // Regression: "passport" was an outside word, so a Kazakh passport in a question
        // about visa-free stays weighed against its answer.
        (
            "how long can I stay in China visa-free on a Kazakh passport?",
            Says(&["30"]),
        ),
    ]);
    // Every example phrasing that uses an outside word is still answered.
    let knowledge = engine().knowledge();
    let mut refused = Vec::new();
    for intent in &knowledge.intents {
        for (lang, examples) in intent.examples.iter() {
            for example in examples {
                let answer = engine().answer(example, Some(lang));
                if answer.kind == Kind::Unknown {
                    refused.push(format!("{}: {example}", intent.id));
                }
            }
        }
    }
    assert!(refused.is_empty(), "own phrasings refused: {refused:#?}");
}

#[test]
fn a_short_follow_up_continues_the_previous_answer() {
    let first = engine().answer("trade in 2023", None);
    let previous = first.follow_up.expect("an answer can be followed up");
    for (follow_up, needle) in [
        ("and in 2022?", "24.2"),
        ("а в 2022?", "24,2"),
        ("那2022年呢？", "242"),
    ] {
        let answer = engine().answer_after(follow_up, None, None, Some(&previous));
        assert!(
            body(&answer).contains(needle),
            "{follow_up}: {}",
            answer.text
        );
        let alone = engine().answer(follow_up, None);
        assert!(alone.intent.is_none(), "{follow_up} alone names no topic");
    }
}

#[test]
fn a_comparison_takes_the_two_figures_it_describes() {
    use Expect::*;
    run(&[
        // Neither figure nor year is named: the meeting places tell the two growth rates
        // apart from the rest of the series.
        (
            "Смаилов называл рост торговли в Шанхае и потом в Астане — какой из двух больше?",
            Says(&["21%", "24%"]),
        ),
        // "Which is higher" compares, in Chinese as in the other languages.
        (
            "斯迈洛夫先在上海、后在阿斯塔纳说了两次贸易增速，哪个更高",
            Says(&["21%", "24%"]),
        ),
    ]);
}

#[test]
fn regression_question_words_mid_sentence_were_read_as_a_story() {
    use Expect::*;
    run(&[
        // Kazakh puts the question word before the verb, wherever that falls.
        (
            "саяси партиялар диалогы қай қалада өтті, оған қанша адам қатысты",
            Says(&["Циндао", "150"]),
        ),
        // Russian "сколько" after the subject still asks.
        (
            "визу на одну поездку сколько дней дают? и за 180 дней всего сколько можно",
            Says(&["30", "90"]),
        ),
        // "In which of its cities" asks where; the articles name none for the workshop.
        ("Лубань шеберханасы қай қаласында орналасқан?", NotStated),
        // "有哪几个" asks which ones, not how many.
        (
            "一带一路在哈萨克斯坦的示范项目有哪几个",
            Says(&["阿克莫拉"]),
        ),
    ]);
}

#[test]
fn regression_a_numbered_list_lost_its_last_question_to_the_line_introducing_it() {
    use Expect::*;
    run(&[(
        "问你几件事 1）免签是哪天开始的 2）一次最多待几天 3）旅游年是哪一年",
        Says(&["2023年11月10日", "30个日历日", "2024"]),
    )]);
}

#[test]
fn a_did_you_mean_whose_first_offer_alone_can_answer_is_answered() {
    use Expect::*;
    run(&[
        // The trade figures alone give a percentage among the topics it is near.
        (
            "in the record year, by how much in percent did the exchange of goods with china jump?",
            Says(&["35%"]),
        ),
        // One offer well ahead of the next is answered as if it were the only one.
        (
            "the lady from Amanat compared Clean Kazakhstan to some Chinese campaign, which one was it?",
            Says(&["Beautiful China"]),
        ),
        // A price is no figure the articles give, whatever topic scores first.
        ("how much does the embassy charge to extend a visa", Refused),
    ]);
}

#[test]
fn regression_this_year_in_a_stretch_of_months_asked_for_the_newest_figure() {
    use Expect::*;
    run(&[
        (
            "从去年11月到今年3月，一共有多少中国游客去了哈萨克斯坦？",
            Says(&["12.6万"]),
        ),
        (
            "how many chinese tourists came to kazakhstan from november to march this year",
            Says(&["126 thousand"]),
        ),
        // Without months, "this year" still asks for the newest figure.
        ("how much did trade grow this year?", Says(&["18%"])),
    ]);
}

#[test]
fn regression_claims_marked_only_by_a_particle_were_not_checked() {
    use Expect::*;
    run(&[
        ("中国车的市场份额好像有30%了？", Verdict(false, &["23%"])),
        (
            "Год туризма ведь начался в феврале 2024?",
            Verdict(false, &["март"]),
        ),
        (
            "They say 300 Kazakh companies went to the CIIE. accurate?",
            Verdict(false, &["100"]),
        ),
        (
            "Қазақстан көміртек бейтараптығына 2070 жылға дейін жетпек ғой",
            Verdict(false, &["2060"]),
        ),
    ]);
}

#[test]
fn regression_one_misspelt_word_was_answered_as_a_topic() {
    use Expect::*;
    // "bla" was read as a misspelt "благ" and answered with the jobs the projects created.
    run(&[("bla bla", Refused), ("visa", Says(&["30"]))]);
}

#[test]
fn regression_latin_typed_russian_that_names_nothing_known_was_answered_in_english() {
    for question in [
        "kakoy seychas kurs tenge k yuanyu?",
        "kakoi seichas kurs yuanya k tenge",
    ] {
        let answer = engine().answer(question, None);
        assert_eq!(answer.lang, Lang::Ru, "{question}: {}", answer.text);
        assert!(answer.intent.is_none(), "{question}: {}", answer.text);
    }
    // English that names nothing known stays English.
    assert_eq!(engine().answer("asdf qwer zxcv", None).lang, Lang::En);
}

#[test]
fn a_comparison_across_two_topics_looks_each_side_up_on_its_own_words() {
    use Expect::*;
    run(&[
        // The record and the goal: each side's words find its own figure.
        (
            "how far is the record trade volume from the goal the presidents set? give me both numbers",
            Says(&["24.2", "40"]),
        ),
        // 2023's trade in dollars against the goal in dollars, not its growth in percent.
        (
            "2023年中哈实际贸易额有没有超过两国元首定的那个目标？",
            Says(&["410亿", "400亿"]),
        ),
        ("visa free: single stay limit vs total limit in 180 days", Says(&["30", "90"])),
        // A question sentence naming only how it compares asks about the sentence before it.
        (
            "compare the trade figure smailov called a record with the one the chinese ambassador gave for last year. how much bigger is it",
            Says(&["24.2", "41"]),
        ),
    ]);
}

#[test]
fn a_comparison_of_when_two_things_happened_gives_both_dates() {
    use Expect::*;
    run(&[
        (
            "сколько лет прошло между первой парой побратимов и официальной дружбой пекина и астаны?",
            Says(&["1993", "2006"]),
        ),
        (
            "乌鲁木齐—阿拉木图和北京—阿斯塔纳 哪对友城结得早",
            Says(&["1993", "2006"]),
        ),
        (
            "алматы-үрімжі бауырластығы мен бейжің-астана достығының арасында неше жыл өтті",
            Says(&["1993", "2006"]),
        ),
        // How many years ago one thing happened compares nothing.
        (
            "Нұрғалиева алғашқы қытай көлігін неше жыл бұрын алған?",
            Says(&["10"]),
        ),
    ]);
}

#[test]
fn regression_how_long_crossing_takes_was_answered_with_the_checkpoints_hours() {
    use Expect::*;
    run(&[
        (
            "how many hours does it take to cross the border at khorgos now?",
            NotStated,
        ),
        (
            "сколько теперь по времени занимает прохождение границы на Хоргосе?",
            NotStated,
        ),
        (
            "Қорғаста шекарадан өту қазір нақты неше сағат алады?",
            NotStated,
        ),
        ("现在走霍尔果斯口岸通关一般要排多久？", NotStated),
        // The hours a checkpoint works are still answered.
        (
            "what are the working hours of the border checkpoints?",
            Says(&["12"]),
        ),
    ]);
}

#[test]
fn regression_a_smiley_did_not_end_the_sentence_before_the_question() {
    use Expect::*;
    run(&[(
        "мама спорит что это ерунда. мы поспорили на ужин в ресторане )) какая реально доля китайских авто на рынке казахстана?",
        Says(&["23"]),
    )]);
}

#[test]
fn regression_a_later_part_answered_again_what_the_first_part_asked() {
    use Expect::*;
    // Read with the part before it, the second question found the first one's answer again,
    // and was dropped; it asks something else of that topic's neighbour.
    run(&[
        (
            "Кто из китайского руководства приезжал в Астану 27 ноября? И с кем из наших он встречался?",
            Says(&["Дин Сюэсян", "Смаилов"]),
        ),
        (
            "who did smailov meet in shanghai and was it an official or a working visit?",
            Says(&["Li Qiang", "working"]),
        ),
    ]);
}

#[test]
fn regression_a_question_that_names_nothing_was_read_with_the_whole_story() {
    use Expect::*;
    // The sentence just before the question says what it asks about; the story around it
    // outweighed that sentence.
    run(&[
        (
            "I run a small firm importing car parts from Urumqi, our trucks cross the border every week. Waiting at the checkpoint used to take forever, sometimes we slept in the cab. My partner says one crossing now works round the clock. Which one is it?",
            Says(&["Nur Zholy"]),
        ),
        (
            "我女儿在哈萨克斯坦西部读大学，每次办证件的事都得跑老远，特别折腾。她同学说中国要在哈萨克斯坦再开一个总领事馆。是开在哪个城市啊？",
            Says(&["阿克托别"]),
        ),
    ]);
}

#[test]
fn regression_a_chinese_share_was_read_as_a_comparison() {
    use Expect::*;
    // "比例" and "占比" hold the comparing "比"; the share was compared, not given.
    run(&[
        (
            "我在义乌做小商品 最近想往欧洲走货。朋友说中国去欧洲的货大部分都要过哈萨克斯坦 我有点不信。到底有多大比例是走哈萨克的？我得跟老板汇报一下",
            Says(&["85%"]),
        ),
        ("中国车在哈萨克斯坦汽车市场的占比是多少？", Says(&["23%"])),
    ]);
}
