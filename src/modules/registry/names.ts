/**
 * Compact name lists for the synthetic registry, in Cyrillic as names are written in Kazakhstan's documents.
 * Two groups: Kazakh, and Russian/other (Slavic, Korean, ...). Patronymics are derived from male first names,
 * either Russian style (-ович/-овна, the usual form in documents) or Kazakh style (-ұлы/-қызы).
 */

export interface MaleName {
  name: string;
  /** Russian-style patronymics derived from this name: son's, daughter's. */
  patronymicM: string;
  patronymicF: string;
}

/** Russian-style patronymic forms for names ending in a consonant: +ович / +овна. */
function consonantPatronymic(name: string): MaleName {
  return { name, patronymicM: `${name}ович`, patronymicF: `${name}овна` };
}

export const KAZAKH_MALE: readonly MaleName[] = [
  'Ерлан', 'Нурлан', 'Серик', 'Бауыржан', 'Асхат', 'Ерболат', 'Данияр', 'Арман', 'Айдос', 'Алибек',
  'Ержан', 'Канат', 'Марат', 'Талгат', 'Руслан', 'Берик', 'Азамат', 'Дамир', 'Нурсултан', 'Жандос',
  'Ернар', 'Алихан', 'Санжар', 'Темирлан', 'Мирас',
].map(consonantPatronymic);

export const RUSSIAN_MALE: readonly MaleName[] = [
  consonantPatronymic('Александр'),
  { name: 'Сергей', patronymicM: 'Сергеевич', patronymicF: 'Сергеевна' },
  { name: 'Андрей', patronymicM: 'Андреевич', patronymicF: 'Андреевна' },
  { name: 'Дмитрий', patronymicM: 'Дмитриевич', patronymicF: 'Дмитриевна' },
  { name: 'Алексей', patronymicM: 'Алексеевич', patronymicF: 'Алексеевна' },
  consonantPatronymic('Владимир'),
  { name: 'Николай', patronymicM: 'Николаевич', patronymicF: 'Николаевна' },
  consonantPatronymic('Иван'),
  { name: 'Евгений', patronymicM: 'Евгеньевич', patronymicF: 'Евгеньевна' },
  consonantPatronymic('Максим'),
  { name: 'Юрий', patronymicM: 'Юрьевич', patronymicF: 'Юрьевна' },
  consonantPatronymic('Виктор'),
  consonantPatronymic('Олег'),
  { name: 'Игорь', patronymicM: 'Игоревич', patronymicF: 'Игоревна' },
  consonantPatronymic('Артём'),
];

export const KAZAKH_FEMALE: readonly string[] = [
  'Айгуль', 'Гульнара', 'Динара', 'Жанар', 'Сауле', 'Алия', 'Асель', 'Айгерим', 'Мадина', 'Камила',
  'Дана', 'Жансая', 'Аружан', 'Томирис', 'Айша', 'Гульмира', 'Назерке', 'Салтанат', 'Ботагоз', 'Меруерт',
  'Шынар', 'Айнур', 'Карлыгаш', 'Жибек', 'Анар',
];

export const RUSSIAN_FEMALE: readonly string[] = [
  'Елена', 'Ольга', 'Наталья', 'Татьяна', 'Ирина', 'Светлана', 'Анна', 'Мария', 'Екатерина', 'Юлия',
  'Людмила', 'Галина', 'Анастасия', 'Оксана', 'Валентина',
];

export interface Surname {
  male: string;
  female: string;
}

/** Female form: -ов/-ев/-ёв/-ин/-ын take -а; other surnames (Шевченко, Ким) do not change. */
export function femaleSurname(male: string): string {
  const end = male.slice(-2);
  return end === 'ов' || end === 'ев' || end === 'ёв' || end === 'ин' || end === 'ын' ? `${male}а` : male;
}

const surname = (male: string): Surname => ({ male, female: femaleSurname(male) });

export const KAZAKH_SURNAMES: readonly Surname[] = [
  'Ахметов', 'Сериков', 'Нурланов', 'Жумабаев', 'Касымов', 'Абенов', 'Искаков', 'Омаров', 'Садыков', 'Беков',
  'Каримов', 'Тулеуов', 'Кенжебаев', 'Абдрахманов', 'Мухаметов', 'Оспанов', 'Сулейменов', 'Байжанов', 'Ермеков', 'Аубакиров',
  'Сагынтаев', 'Есенов', 'Даулетов', 'Жаксылыков', 'Калиев', 'Муканов', 'Нуржанов', 'Серикбаев', 'Токтаров', 'Утепов',
  'Шаяхметов', 'Ибраев', 'Кудайбергенов', 'Исмаилов', 'Жунусов', 'Бейсенов', 'Сатпаев', 'Абишев', 'Мусин', 'Исин',
].map(surname);

export const RUSSIAN_SURNAMES: readonly Surname[] = [
  'Иванов', 'Петров', 'Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Соколов', 'Михайлов', 'Новиков', 'Фёдоров',
  'Морозов', 'Волков', 'Лебедев', 'Козлов', 'Никитин', 'Ильин', 'Зайцев', 'Шевченко', 'Бондаренко', 'Ким',
].map(surname);

/** Kazakh-style patronymic: father's name + ұлы (son) / қызы (daughter), written as one word. */
export function kazakhPatronymic(fatherName: string, sex: 'M' | 'F'): string {
  return fatherName + (sex === 'M' ? 'ұлы' : 'қызы');
}

export const STREETS: readonly string[] = [
  'ул. Абая', 'пр. Республики', 'ул. Кенесары', 'ул. Сатпаева', 'ул. Жибек Жолы', 'ул. Байтурсынова', 'ул. Толе би',
  'ул. Богенбай батыра', 'ул. Кабанбай батыра', 'ул. Ауэзова', 'ул. Желтоксан', 'пр. Достык', 'ул. Момышулы',
  'ул. Жамбыла', 'ул. Валиханова', 'пр. Абылай хана', 'ул. Пушкина', 'ул. Гагарина', 'ул. Чайковского', 'ул. Мира',
  'ул. Торайгырова', 'ул. Сейфуллина', 'ул. Бухар жырау', 'ул. Айтеке би', 'ул. Казыбек би', 'мкр. Самал',
  'мкр. Жетысу', 'мкр. Аксай', 'ул. Фурманова', 'ул. Шевченко',
];

export const RURAL_STREETS: readonly string[] = [
  'ул. Школьная', 'ул. Центральная', 'ул. Степная', 'ул. Молодёжная', 'ул. Садовая', 'ул. Абая', 'ул. Тауелсиздик',
  'ул. Достык', 'ул. Бирлик', 'ул. Жастар',
];

export const VILLAGES: readonly string[] = [
  'Жанаауыл', 'Каратал', 'Акжар', 'Есиль', 'Акколь', 'Коктерек', 'Талапты', 'Бирлик', 'Кайнар', 'Енбек',
  'Жанатурмыс', 'Достык', 'Береке', 'Шолаккорган', 'Караой', 'Акбулак', 'Карасу', 'Жалпактал', 'Косагаш', 'Аксу',
  'Тасоткель', 'Кызылжар', 'Алгабас', 'Жетыген', 'Балыкты', 'Ынтымак', 'Сарыбулак', 'Мирное', 'Покровка', 'Ивановка',
];

/** Region centres as written in Russian; a centre not listed keeps the name from the reference data. */
export const CENTRE_RU: Readonly<Record<string, string>> = {
  Astana: 'Астана',
  Almaty: 'Алматы',
  Shymkent: 'Шымкент',
  Semey: 'Семей',
  Kokshetau: 'Кокшетау',
  Aktobe: 'Актобе',
  Konaev: 'Конаев',
  Atyrau: 'Атырау',
  Oral: 'Уральск',
  Taraz: 'Тараз',
  Taldykorgan: 'Талдыкорган',
  Karaganda: 'Караганда',
  Kostanay: 'Костанай',
  Kyzylorda: 'Кызылорда',
  Aktau: 'Актау',
  Pavlodar: 'Павлодар',
  Petropavl: 'Петропавловск',
  Turkistan: 'Туркестан',
  Zhezkazgan: 'Жезказган',
  Oskemen: 'Усть-Каменогорск',
};

/** Approximate share of Kazakh names per region (the north and east have large Russian-speaking populations). */
export const KAZAKH_NAME_SHARE: Readonly<Record<string, number>> = {
  'KZ-71': 0.8, 'KZ-75': 0.7, 'KZ-79': 0.75, 'KZ-10': 0.75, 'KZ-11': 0.55, 'KZ-15': 0.85, 'KZ-19': 0.75,
  'KZ-23': 0.93, 'KZ-27': 0.8, 'KZ-31': 0.8, 'KZ-33': 0.75, 'KZ-35': 0.55, 'KZ-39': 0.45, 'KZ-43': 0.95,
  'KZ-47': 0.92, 'KZ-55': 0.55, 'KZ-59': 0.4, 'KZ-61': 0.8, 'KZ-62': 0.8, 'KZ-63': 0.5,
};

/** Occupations (Russian, as in Kazakhstan's records) by sector. */
export const OCCUPATIONS = {
  health: ['врач-терапевт', 'врач-хирург', 'врач-педиатр', 'фельдшер', 'медицинская сестра', 'фармацевт', 'анестезиолог', 'лаборант', 'врач скорой помощи'],
  logistics: ['водитель грузового автомобиля', 'водитель автобуса', 'экспедитор', 'кладовщик', 'диспетчер', 'машинист локомотива', 'логист'],
  communications: ['инженер связи', 'монтажник связи', 'радиомеханик', 'специалист по телекоммуникациям', 'оператор связи'],
  energy: ['электромонтёр', 'инженер-энергетик', 'оператор котельной', 'машинист энергоблока', 'оператор нефтегазодобычи'],
  cyber: ['инженер-программист', 'системный администратор', 'специалист по информационной безопасности', 'сетевой инженер'],
  other: [
    'учитель', 'продавец', 'бухгалтер', 'менеджер', 'строитель', 'фермер', 'повар', 'экономист', 'юрист', 'сварщик',
    'слесарь', 'тракторист', 'государственный служащий', 'охранник', 'воспитатель', 'механик', 'горнорабочий',
    'агроном', 'парикмахер', 'индивидуальный предприниматель',
  ],
} as const;

export const LAW_ENFORCEMENT_OCCUPATIONS: readonly string[] = [
  'сотрудник полиции', 'сотрудник органов национальной безопасности', 'сотрудник противопожарной службы', 'курсант академии МВД',
  'сотрудник уголовно-исполнительной системы',
];
