"""Static names for the demo city.

Streets and towns (街道/镇) are the real administrative divisions of each district (the
farm and 乡 divisions of Chongming are left out); roads are real roads of the district.
Shop, market and company names are invented from common words and surnames, so no demo
grade ever lands on a real business.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# GB/T 2260 code → short name (for "徐汇XX路加油站"-style names) and a weight for how many
# markets and businesses the district gets (resident population, 2020 census, 10,000s).
DISTRICTS: dict[str, tuple[str, int]] = {
    "310101": ("黄浦", 66),
    "310104": ("徐汇", 111),
    "310105": ("长宁", 69),
    "310106": ("静安", 98),
    "310107": ("普陀", 124),
    "310109": ("虹口", 76),
    "310110": ("杨浦", 124),
    "310112": ("闵行", 265),
    "310113": ("宝山", 223),
    "310114": ("嘉定", 183),
    "310115": ("浦东", 568),
    "310116": ("金山", 82),
    "310117": ("松江", 191),
    "310118": ("青浦", 127),
    "310120": ("奉贤", 114),
    "310151": ("崇明", 64),
}

# Streets (街道) and towns (镇) per district; a name ending in 镇 is a town.
STREETS: dict[str, tuple[str, ...]] = {
    code: _words(names)
    for code, names in {
        "310101": "南京东路街道 外滩街道 半淞园路街道 小东门街道 豫园街道 老西门街道 "
        "五里桥街道 打浦桥街道 淮海中路街道 瑞金二路街道",
        "310104": "天平路街道 湖南路街道 斜土路街道 枫林路街道 长桥街道 田林街道 虹梅路街道 "
        "康健新村街道 徐家汇街道 凌云路街道 龙华街道 漕河泾街道 华泾镇",
        "310105": "华阳路街道 江苏路街道 新华路街道 周家桥街道 天山路街道 仙霞新村街道 "
        "虹桥街道 程家桥街道 北新泾街道 新泾镇",
        "310106": "江宁路街道 石门二路街道 南京西路街道 静安寺街道 曹家渡街道 天目西路街道 "
        "北站街道 宝山路街道 共和新路街道 大宁路街道 彭浦新村街道 临汾路街道 "
        "芷江西路街道 彭浦镇",
        "310107": "曹杨新村街道 长风新村街道 长寿路街道 甘泉路街道 石泉路街道 宜川路街道 "
        "万里街道 真如镇街道 长征镇 桃浦镇",
        "310109": "欧阳路街道 曲阳路街道 广中路街道 嘉兴路街道 凉城新村街道 四川北路街道 "
        "北外滩街道 江湾镇街道",
        "310110": "定海路街道 平凉路街道 江浦路街道 四平路街道 控江路街道 长白新村街道 "
        "延吉新村街道 殷行街道 大桥街道 五角场街道 新江湾城街道",
        "310112": "江川路街道 古美街道 新虹街道 浦锦街道 莘庄镇 七宝镇 颛桥镇 华漕镇 虹桥镇 "
        "梅陇镇 吴泾镇 马桥镇 浦江镇",
        "310113": "友谊路街道 吴淞街道 张庙街道 罗店镇 大场镇 杨行镇 月浦镇 罗泾镇 顾村镇 "
        "高境镇 庙行镇 淞南镇",
        "310114": "新成路街道 真新街道 嘉定镇街道 南翔镇 安亭镇 马陆镇 徐行镇 华亭镇 外冈镇 江桥镇",
        "310115": "潍坊新村街道 陆家嘴街道 周家渡街道 塘桥街道 上钢新村街道 南码头路街道 "
        "沪东新村街道 金杨新村街道 洋泾街道 浦兴路街道 东明路街道 花木街道 川沙新镇 "
        "高桥镇 北蔡镇 合庆镇 唐镇 曹路镇 金桥镇 高行镇 高东镇 张江镇 三林镇 惠南镇 "
        "周浦镇 新场镇 大团镇 康桥镇 航头镇 祝桥镇 泥城镇 宣桥镇 书院镇 万祥镇 老港镇",
        "310116": "石化街道 朱泾镇 枫泾镇 张堰镇 亭林镇 吕巷镇 廊下镇 金山卫镇 漕泾镇 山阳镇",
        "310117": "岳阳街道 永丰街道 方松街道 中山街道 广富林街道 九里亭街道 泗泾镇 佘山镇 "
        "车墩镇 新桥镇 洞泾镇 九亭镇 泖港镇 石湖荡镇 新浜镇 叶榭镇 小昆山镇",
        "310118": "夏阳街道 盈浦街道 香花桥街道 朱家角镇 练塘镇 金泽镇 赵巷镇 徐泾镇 华新镇 "
        "重固镇 白鹤镇",
        "310120": "西渡街道 奉浦街道 金海街道 南桥镇 奉城镇 庄行镇 金汇镇 四团镇 青村镇 "
        "柘林镇 海湾镇",
        "310151": "城桥镇 堡镇 新河镇 庙镇 竖新镇 向化镇 三星镇 港沿镇 中兴镇 陈家镇 绿华镇 "
        "港西镇 建设镇 东平镇 长兴镇",
    }.items()
}

# Real roads of each district, for addresses ("宜山路123号").
ROADS: dict[str, tuple[str, ...]] = {
    code: _words(names)
    for code, names in {
        "310101": "南京东路 河南中路 西藏南路 复兴东路 中华路 淮海中路 瑞金二路 制造局路 "
        "徐家汇路 陆家浜路 蒙自路 丽园路",
        "310104": "漕溪北路 肇嘉浜路 衡山路 天钥桥路 宜山路 龙华中路 虹漕路 钦州路 田林路 "
        "桂林路 斜土路 零陵路 龙吴路",
        "310105": "长宁路 延安西路 天山路 仙霞路 虹桥路 遵义路 古北路 安顺路 定西路 番禺路 "
        "娄山关路 水城路 哈密路 北翟路",
        "310106": "南京西路 江宁路 常德路 延平路 西康路 共和新路 大统路 天目西路 临汾路 "
        "平型关路 延长中路 广中西路 汶水路",
        "310107": "曹杨路 长寿路 武宁路 真北路 金沙江路 大渡河路 枣阳路 兰溪路 宜川路 铜川路",
        "310109": "四川北路 东大名路 海宁路 溧阳路 欧阳路 曲阳路 临平路 大连路 广中路 "
        "东江湾路 水电路 凉城路",
        "310110": "四平路 控江路 长阳路 平凉路 黄兴路 国权路 政通路 国定路 殷行路 延吉中路 "
        "军工路 营口路",
        "310112": "莘松路 沪闵路 七莘路 古美路 顾戴路 都市路 剑川路 浦锦路 银都路 江川路 "
        "漕宝路 莲花南路",
        "310113": "牡丹江路 友谊路 淞滨路 同济路 泰和路 沪太路 蕴川路 长江西路 场中路",
        "310114": "城中路 博乐路 塔城路 清河路 沪宜公路 曹安公路 墨玉路 叶城路 嘉罗公路",
        "310115": "世纪大道 张杨路 浦东南路 东方路 杨高南路 锦绣路 金桥路 川沙路 沪南公路 "
        "浦建路 蓝村路 成山路 德平路 张江路 高科西路 上南路",
        "310116": "卫零路 蒙山路 龙航路 卫清西路 板桥西路 金山大道 亭卫公路",
        "310117": "人民北路 中山中路 荣乐东路 谷阳北路 文诚路 沪松公路 新松江路 乐都路 茸梅路",
        "310118": "公园路 盈港东路 青松公路 沪青平公路 外青松公路 华徐公路 诸光路 崧泽大道",
        "310120": "金海公路 环城东路 望园路 南奉公路 浦星公路 沪杭公路 解放东路",
        "310151": "八一路 东门路 南门路 北门路 人民路 陈海公路 北沿公路 翠竹路",
    }.items()
}

SURNAMES = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺"
    "顾毛郝龚邵万钱严武戴莫孔向汤"
)

GIVEN_NAMES = _words(
    "建国 建华 国强 志强 秀英 桂英 美华 海波 红梅 春华 德明 金宝 永康 玉兰 秀珍 国平 "
    "小平 伟民 卫东 林芳 丽萍 建军 文斌 雪芳 海燕 明华 志刚 根宝 阿四 惠琴"
)

# Invented brand words for shops, restaurants and companies (no famous real brand).
BRANDS = _words(
    "鑫源 福源 金鼎 聚福 宏盛 华丰 隆兴 恒昌 瑞丰 嘉禾 兴旺 百味 锦绣 祥和 家和 悦来 同福 "
    "鸿运 德润 泰丰 益民 惠民 万福 金穗 天瑞 长顺 新盛 裕丰 丰收 宝泰 永盛 利民 源丰 佳乐 "
    "邻家 泓源 康源 安泰 明亮 视清 晶彩 仁心 寿康 济生 百草 东升 海达 鼎盛 丰泽"
)

# Goods of market stalls (the word in "王记蔬菜") and a typical retail price range, yuan/kg;
# the fair-scale reading generator draws goods categories and unit prices from here.
GOODS: dict[str, tuple[float, float]] = {
    "蔬菜": (4.0, 16.0),
    "水果": (8.0, 40.0),
    "鲜肉": (26.0, 50.0),
    "牛羊肉": (70.0, 140.0),
    "水产": (20.0, 120.0),
    "海鲜": (60.0, 300.0),
    "禽蛋": (10.0, 30.0),
    "豆制品": (6.0, 20.0),
    "干货": (40.0, 200.0),
    "粮油": (5.0, 30.0),
    "熟食": (30.0, 90.0),
    "南北货": (30.0, 150.0),
}

# Name patterns per trade; fields: surname, given, goods, brand, word, road, district.
TRADE_NAMES: dict[str, tuple[str, ...]] = {
    "market_stall": ("{surname}记{goods}", "老{surname}{goods}", "{surname}{given}{goods}摊"),
    "restaurant": ("{brand}{word}", "{brand}{word}（{road}店）", "老{surname}{word}"),
    "supermarket": ("{brand}{word}", "上海{brand}超市有限公司", "{brand}{word}（{road}店）"),
    "fuel_station": ("{brand}石油{district}{road}加油站", "上海{brand}石油{road}加油站"),
    "optical_shop": ("{brand}{word}", "上海{brand}眼镜有限公司", "{brand}{word}（{road}店）"),
    "pharmacy_hospital": ("{brand}{word}", "{brand}{word}（{road}店）"),
    "other": ("{brand}{word}", "{surname}记{word}", "上海{brand}{word}"),
}

# The {word} of each trade's names.
TRADE_WORDS: dict[str, tuple[str, ...]] = {
    "market_stall": ("摊",),
    "restaurant": _words(
        "面馆 小吃店 本帮菜馆 饭店 酒家 餐厅 馄饨店 生煎馆 川菜馆 湘菜馆 火锅店 烧腊店"
    ),
    "supermarket": ("超市", "便利店", "生鲜超市", "购物中心"),
    "fuel_station": ("加油站",),
    "optical_shop": ("眼镜", "眼镜店", "视光中心", "眼镜行"),
    "pharmacy_hospital": ("大药房", "药房", "中医门诊部", "口腔门诊部", "诊所"),
    "other": _words("茶叶店 金店 粮油商行 五金店 烟酒商行 水果店 茶庄 珠宝首饰店 干货商行"),
}

# Markets: "{prefix}{kind}" with a street or road as prefix; hosts run them.
MARKET_KINDS = ("菜市场", "农贸市场", "综合市场", "菜市场")  # 菜市场 twice: the commonest
MARKET_HOSTS = (
    "上海{core}农副产品市场经营管理有限公司",
    "上海{brand}市场经营管理有限公司",
    "上海{brand}农贸市场管理有限公司",
)

# Demonstration communities (诚信计量示范社(街)区) are named after their street or town.
COMMUNITY_SUFFIX = {"street": "诚信计量示范街区", "town": "诚信计量示范社区"}


def street_kind(name: str) -> str:
    """'town' for a 镇 (川沙新镇 too), 'street' for a 街道 (真如镇街道 too)."""
    return "town" if name.endswith("镇") else "street"


def street_core(name: str) -> str:
    """The place name without its 街道/镇 ending: 斜土路街道 → 斜土路, 唐镇 stays 唐镇."""
    core = name.removesuffix("街道")
    for suffix in ("新镇", "镇"):
        shorter = core.removesuffix(suffix)
        if shorter != core:
            return shorter if len(shorter) >= 2 else name
    return core
