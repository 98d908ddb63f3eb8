/* demo.c — the cases module's part of `wenming demo`: the category
 * catalogue of the city transport bureau (each with its handling unit
 * among the organization demo's units, a time limit in working days, extra
 * fields for some and canned replies) and a year of cases: the 365 days up
 * to today, about CASES_DEMO_PER_YEAR of them, from every channel, of every
 * kind, in every state.
 *
 * Each case is simulated step by step as the workflow (types.c, steps.c)
 * would take it — created, dispatched (sometimes returned and dispatched
 * again), accepted on time or late, extended, reminded and escalated when
 * late, answered, sent back, closed, rated; an unsatisfied rating reopens
 * it for rectification with a follow-up call, and a unit may appeal a
 * rating; duplicates are merged — with timestamps on working days (the
 * built-in calendar) and the same field updates the step hooks make. A
 * step that would fall after now is not taken: the case stays in the
 * state it reached, so the open cases and the overdue ones are those a
 * real office would have today. Every step is a record_events row.
 *
 * Deterministic: the same seed gives the same data on the same day (the
 * year is counted back from today). Random numbers: splitmix64, as in the
 * organization's demo. Rows are written with multi-row INSERTs (at most
 * 256 values a statement, PostgreSQL's limit in db_pg.c), with explicit
 * case ids, in one transaction. */
#include "demo.h"
#include "../core/rng.h"
#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/cal.h"
#include "../db/db.h"
#include "../http/audit.h"
#include "../module.h"
#include "../platform/workdays.h"
#include "../records/workflow.h"
#include "cases.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int chance(struct rng *r, int percent)
{
	return rng_below(r, 1000) < percent * 10;
}

/* per mille */
static int chance_pm(struct rng *r, int pm)
{
	return rng_below(r, 1000) < pm;
}

static const char *pick(struct rng *r, const char *const *v, int n)
{
	return v[rng_below(r, n)];
}
#define PICK(r, a) pick(r, a, COUNT(a))

/* ---- the catalogue ---- */

enum kind { K_COMPLAINT, K_SUGGESTION, K_PRAISE, K_TIPOFF, K_CONSULT, K_PROBLEM };
static const char *const kind_codes[] = {"complaint", "suggestion", "praise", "tip_off", "consultation", "problem"};

struct text {
	enum kind kind;
	const char *title, *body; /* %P a place, %X the category's detail */
};

struct attr {
	const char *code, *label, *type, *choices;
};

struct cat {
	const char *code, *name, *group, *description, *keywords;
	const char *org, *unit; /* the handling unit: a secondary unit's name, and
				   a department's (NULL: the secondary unit) */
	int days, weight, is_public;
	struct attr attrs[2];
	const char *details[8]; /* what %X becomes */
	struct text texts[7];
	const char *replies[3][2]; /* title, body */
};

static const struct cat cats[] = {
	{"taxi",
	 "出租汽車服務",
	 "客運服務",
	 "巡遊出租汽車的拒載、繞路、議價、不打表、服務態度等問題。",
	 "出租車 的士 拒載 繞路 打表",
	 "城市客運管理處",
	 "出租汽車管理科",
	 10,
	 14,
	 1,
	 {{"plate", "車牌號碼", "string", NULL}},
	 {"鄂K·T3825", "鄂K·T1067", "鄂K·T5512", "鄂K·T2290", "鄂K·T7731", "鄂K·T0458", "鄂K·T6603", "鄂K·T9146"},
	 {{K_COMPLAINT, "出租車司機拒載",
	   "本人於%P攔乘出租車（車牌%"
	   "X），告知目的地後司機以交班為由拒絕載客，請有關部門依規處理。"},
	  {K_COMPLAINT, "出租車繞路多收費",
	   "乘坐%X出租車從火車站到%"
	   "P，司機明顯繞路，平時十五元左右的路程收了三十二元，要求退還多收費用。"},
	  {K_COMPLAINT, "出租車不打表議價",
	   "在%P乘坐出租車，司機不打表，要求一口價三十元，乘客不同意就不走，車牌%"
	   "X。"},
	  {K_PRAISE, "表揚出租車司機拾金不昧",
	   "本人將裝有證件和現金的錢包遺落在%"
	   "X出租車上，司機主動聯繫並送回，特此表揚。"},
	  {K_SUGGESTION, "建議在%P增設出租車候客點",
	   "%P人流量大，出租車隨意停車上下客影響通行，建議設置規範的出租車候客點"
	   "。"},
	  {K_COMPLAINT, "出租車司機吸煙且態度惡劣", "出租車%X司機在車內吸煙，乘客提出後司機出言不遜，請予以處理。"}},
	 {{"已查實處理", "您反映的出租車問題已轉出租汽車管理科調查核實。經調取車載"
			 "視頻和計價器記錄，情況屬實，已對駕駛員作出教育和處罰，並"
			 "責令其向您致歉。感謝您的監督。"},
	  {"未能查實", "經調取車輛營運記錄和車載視頻，未能核實您反映的情況。我們已對該車駕駛員"
		       "進行提醒教育，如您有進一步的證據，歡迎隨時提供。"}}},
	{"ride_hailing",
	 "網約車服務",
	 "客運服務",
	 "網絡預約出租汽車的服務質量、計價、安全和平台問題。",
	 "網約車 滴滴 平台 計價",
	 "城市客運管理處",
	 "出租汽車管理科",
	 10,
	 10,
	 1,
	 {{"platform", "平台", "singlevaluelist", "滴滴出行\n高德打車\n曹操出行\nT3出行\n其他"}},
	 {"滴滴出行", "高德打車", "曹操出行", "T3出行"},
	 {{K_COMPLAINT, "網約車司機中途甩客", "通過%X叫的網約車，行駛到%P時司機以道路不熟為由要求下車，並照常扣費。"},
	  {K_COMPLAINT, "網約車實際車輛與平台登記不符",
	   "%X平台派來的車輛車牌與軟件顯示不一致，司機也不是登記的人，存在安全隱患"
	   "。"},
	  {K_TIPOFF, "舉報無證網約車", "%P附近有多輛私家車長期通過%X接單，車輛沒有網約車運輸證，請查處。"},
	  {K_CONSULT, "諮詢網約車駕駛員證辦理",
	   "想從事網約車服務，請問網絡預約出租汽車駕駛員證需要什麼條件、到哪裡辦理"
	   "？"},
	  {K_COMPLAINT, "網約車計價明顯偏高", "在%X平台叫車從%P到汽車站，預估價十八元，實際扣費四十六元，請核查。"}},
	 {{"平台已退款", "經約談%"
			 "X運營平台，平台已核實並退還多收費用，對涉事駕駛員作出封號"
			 "處理。我處將繼續加強對網約車平台的監管。"},
	  {"已列入執法計劃", "您舉報的非法營運線索已移交客運執法大隊，列入近期專項"
			     "整治計劃，查實後將依法處罰。"}}},
	{"bus",
	 "公交服務",
	 "客運服務",
	 "公交線路、班次、站點設置和駕乘人員服務。",
	 "公交 班次 站點 線路",
	 "城市客運管理處",
	 "公交管理科",
	 10,
	 12,
	 1,
	 {{"line", "線路", "string", NULL}},
	 {"1路", "3路", "5路", "8路", "11路", "12路", "16路", "K2路"},
	 {{K_COMPLAINT, "%X公交車不按站停靠", "%X公交車經過%P站時未停車，站台有多名乘客等候，請加強管理。"},
	  {K_SUGGESTION, "建議%X延長末班車時間", "%X末班車太早，晚上九點以後從%P回家沒有公交，建議延長運營時間。"},
	  {K_COMPLAINT, "%X班次間隔過長", "早高峰在%P等%X公交等了四十分鐘，車上擁擠，建議增加班次。"},
	  {K_PRAISE, "表揚%X公交駕駛員", "%X公交駕駛員在%P站耐心攙扶老人上下車，服務熱情周到，提出表揚。"},
	  {K_SUGGESTION, "建議在%P增設公交站台", "%P新建小區入住居民多，最近的公交站距離一公里以上，建議增設站點。"},
	  {K_COMPLAINT, "%X駕駛員開車玩手機", "乘坐%X公交時發現駕駛員一邊開車一邊看手機，存在安全隱患。"}},
	 {{"已調整", "經公交管理科與公交公司研究，已對相關線路的班次進行調整，自下"
		     "月起實施。感謝您的建議。"},
	  {"已處理駕駛員", "經核查車載監控，情況屬實。公交公司已對涉事駕駛員進行停"
			   "崗培訓和經濟處罰。"}}},
	{"road",
	 "道路養護",
	 "道路設施",
	 "公路路面坑槽、破損、積水、標誌標線和護欄等設施問題。",
	 "坑槽 路面 積水 護欄 標線",
	 "公路管理局",
	 "養護管理科",
	 15,
	 12,
	 1,
	 {{0}},
	 {"坑槽", "沉陷", "積水", "護欄損壞", "標線模糊", "井蓋缺失"},
	 {{K_PROBLEM, "%P路面出現%X", "%P路段路面出現%X，車輛經過時需要急剎避讓，夜間尤其危險，請儘快修復。"},
	  {K_PROBLEM, "%P雨後嚴重積水", "每逢下雨，%P路段就嚴重積水，最深處沒過腳踝，行人和非機動車無法通行。"},
	  {K_COMPLAINT, "%P道路維修久拖未完工",
	   "%P道路維修圍擋已經三個月，施工進度緩慢，造成交通擁堵，請督促加快進度"
	   "。"},
	  {K_SUGGESTION, "建議%P增設減速帶", "%P靠近學校，車輛車速較快，建議設置減速帶和警示標誌。"},
	  {K_PROBLEM, "%P路段%X", "%P路段%X，存在安全隱患，請相關部門處理。"}},
	 {{"已修復", "經養護管理科現場查看，已安排養護班組於三個工作日內完成修復，"
		     "現路面已恢復正常通行。"},
	  {"已列入計劃", "該路段已列入本年度大中修計劃，在此之前我們將加強巡查和臨"
			 "時修補，確保行車安全。"}}},
	{"enforcement",
	 "交通執法作風",
	 "執法監督",
	 "交通運輸執法人員的執法行為、文明執法和廉潔問題。",
	 "執法 作風 罰款 態度",
	 "運輸管理處",
	 "運政稽查大隊",
	 15,
	 6,
	 1,
	 {{0}},
	 {"運政稽查", "路政巡查", "治超檢測", "客運執法"},
	 {{K_COMPLAINT, "執法人員態度粗暴", "在%P接受%X檢查時，執法人員態度生硬，言語粗暴，未出示執法證件。"},
	  {K_COMPLAINT, "對處罰決定有異議", "本人車輛在%P被%X人員處罰，認為事實認定有誤，處罰過重，請求覆核。"},
	  {K_PRAISE, "表揚執法人員熱心幫助", "車輛在%P拋錨，正在巡查的%X人員主動幫忙聯繫救援並維護現場秩序。"},
	  {K_TIPOFF, "反映執法人員吃拿卡要", "有貨車司機反映%P附近的%X人員存在吃拿卡要行為，請紀檢部門核查。"}},
	 {{"已核查處理", "經調取執法記錄儀視頻核查，您反映的問題部分屬實，已對相關"
			 "執法人員進行批評教育，並在全隊開展文明執法專題培訓。"},
	  {"處罰合法", "經法制審核，該處罰事實清楚、證據確鑿、程序合法。如仍有異議"
		       "，可依法申請行政復議或提起行政訴訟。"}}},
	{"driving_school",
	 "駕校培訓",
	 "行業監管",
	 "駕駛員培訓機構的收費、教學質量、教練員服務和考試預約問題。",
	 "駕校 教練 學車 收費",
	 "駕駛員培訓管理所",
	 "培訓管理科",
	 15,
	 9,
	 1,
	 {{"school", "駕校名稱", "string", NULL}},
	 {"順通駕校", "安達駕校", "長城駕校", "平安駕校", "宏達駕校"},
	 {{K_COMPLAINT, "%X教練索要好處費", "在%X學車，教練暗示要請吃飯送煙才給多練車，不給就安排很少的練車時間。"},
	  {K_COMPLAINT, "%X退學不退費", "因工作調動申請在%X退學，駕校拒絕按規定退還未培訓部分的費用。"},
	  {K_CONSULT, "諮詢學車計時培訓", "請問現在學車實行計時培訓嗎？科目二需要多少學時才能預約考試？"},
	  {K_COMPLAINT, "%X預約考試困難", "%X學員預約科目三考試要排兩個多月，請問有什麼解決辦法？"},
	  {K_PRAISE, "表揚%X教練認真負責", "%X的教練教學耐心細緻，一次通過了科目二考試，特此表揚。"}},
	 {{"已約談駕校", "培訓管理科已約談%"
			 "X負責人，責令其規範收費和教學行為，並退還學員相關費用。"},
	  {"諮詢答覆", "本市已全面實行計時培訓、先培後付。各科目學時要求可在全國駕"
		       "培監管服務平台查詢，也可撥打12328諮詢。"}}},
	{"vehicle_inspection",
	 "機動車檢測維修",
	 "行業監管",
	 "機動車綜合性能檢測、維修企業的收費和服務問題。",
	 "檢測站 維修 二維 年審",
	 "運輸管理處",
	 NULL,
	 15,
	 6,
	 1,
	 {{0}},
	 {"城東檢測站", "城北檢測站", "順發汽修廠", "通達汽修"},
	 {{K_COMPLAINT, "%X檢測收費不透明", "在%X做營運車輛綜合性能檢測，收費項目未公示，另外收取了所謂加急費。"},
	  {K_COMPLAINT, "%X維修以次充好", "在%X更換的配件不是原廠件，收費卻按原廠件收取，要求處理。"},
	  {K_CONSULT, "諮詢營運車輛年審", "請問營運貨車的綜合性能檢測周期是多久？可以異地檢測嗎？"},
	  {K_TIPOFF, "舉報%X出具虛假檢測報告", "據了解%X存在不上線檢測就出具合格報告的情況，請查處。"}},
	 {{"已督促整改", "經運輸管理處現場檢查，%"
			 "X存在收費公示不到位的問題，已責令整改並退還多收費用。"}}},
	{"port_shipping",
	 "港口航運",
	 "水運",
	 "港口經營、渡口渡船、航道和水上安全問題。",
	 "港口 碼頭 渡船 航道 海事",
	 "港航管理局",
	 "港口管理科",
	 15,
	 4,
	 1,
	 {{0}},
	 {"漢北河碼頭", "城南渡口", "港區三號泊位", "東湖渡口"},
	 {{K_COMPLAINT, "%X揚塵污染嚴重", "%X裝卸砂石時揚塵很大，附近居民無法開窗，請督促採取降塵措施。"},
	  {K_TIPOFF, "%X渡船超載", "%X的渡船在早晚高峰經常超載，乘客未穿救生衣，存在重大安全隱患。"},
	  {K_CONSULT, "諮詢船舶登記手續", "新購一艘內河貨船，請問船舶所有權登記需要準備哪些材料？"},
	  {K_SUGGESTION, "建議%X增設候船設施", "%X沒有遮陽避雨的候船棚，建議增設候船設施。"}},
	 {{"已整改", "港口管理科已責令%"
		     "X經營人落實噴淋降塵措施，並安排海事處加強現場巡查。"}}},
	{"service_window",
	 "窗口服務作風",
	 "作風建設",
	 "各單位辦事窗口的服務態度、辦事效率、工作紀律和一次性告知。",
	 "窗口 態度 效率 紀律 一次性告知",
	 "市交通運輸局",
	 "文明辦",
	 10,
	 9,
	 1,
	 {{0}},
	 {"行政審批窗口", "辦證窗口", "繳費窗口", "船舶登記窗口", "考核發證窗口", "售票窗口", "投訴受理窗口"},
	 {{K_COMPLAINT, "%X工作人員態度冷漠", "到%X辦理業務，工作人員一直玩手機，問了好幾遍才回答，態度冷漠。"},
	  {K_COMPLAINT, "%X未一次性告知", "到%X辦理道路運輸證，前後跑了三趟，每次都說缺材料，沒有一次性告知。"},
	  {K_PRAISE, "表揚%X延時服務", "下班時間已過，%X工作人員仍耐心為我辦完業務，服務很好。"},
	  {K_SUGGESTION, "建議%X增加網上辦理", "%X的部分業務需要現場辦理，建議開通網上辦理和郵寄服務。"},
	  {K_COMPLAINT, "%X上班時間無人", "上午十點到%X辦事，窗口無人，等了半個小時才有人來。"}},
	 {{"已批評教育", "經文明辦調查核實，%"
			 "X工作人員存在服務態度問題，已對其進行批評教育並納入作風考"
			 "核。感謝您的監督。"},
	  {"已改進", "您的建議已採納，%"
		     "X相關業務已開通網上辦理，可通過政務服務網提交申請。"}}},
	{"hotline_12328",
	 "12328熱線服務",
	 "熱線",
	 "12328交通運輸服務監督電話的接聽、轉辦和回訪質量。",
	 "12328 熱線 接聽 回訪",
	 "交通物流發展中心",
	 "信息服務科",
	 5,
	 3,
	 1,
	 {{0}},
	 {"12328"},
	 {{K_COMPLAINT, "%X熱線長時間無人接聽", "撥打%X熱線多次，一直提示坐席忙，十分鐘都沒有接通。"},
	  {K_SUGGESTION, "建議%X熱線增加線上渠道", "建議%X熱線開通微信小程序留言，方便上班族反映問題。"},
	  {K_CONSULT, "諮詢%X受理範圍", "請問%X熱線可以反映哪些問題？高速公路收費問題可以打嗎？"}},
	 {{"已改進", "信息服務科已增加高峰時段坐席，並上線了微信留言渠道。感謝您的建議。"}}},
	{"parking",
	 "停車與佔道",
	 "道路設施",
	 "公路及附屬設施範圍內的亂停亂放、佔道經營和違法建築。",
	 "佔道 停車 堆物 路政",
	 "公路路政支隊",
	 "路政執法一大隊",
	 15,
	 8,
	 1,
	 {{0}},
	 {"佔道經營", "堆放建材", "亂停車輛", "擅自開口"},
	 {{K_TIPOFF, "%P%X", "%P長期有%X現象，影響車輛和行人通行，請路政部門處理。"},
	  {K_COMPLAINT, "%P%X嚴重", "%P%X嚴重，多次反映無果，請相關部門依法查處。"},
	  {K_SUGGESTION, "建議在%P規劃停車位", "%P周邊停車位嚴重不足，車輛只能停在路邊，建議規劃臨時停車區域。"}},
	 {{"已清理", "路政執法大隊已到現場清理佔道物品，並對當事人進行了教育，後續"
		     "將加強巡查防止反彈。"}}},
	{"coach_station",
	 "汽車站與長途客運",
	 "客運服務",
	 "汽車客運站的售票、候車、班線和長途客車服務。",
	 "汽車站 客運站 班車 售票",
	 "汽車站",
	 NULL,
	 10,
	 7,
	 1,
	 {{0}},
	 {"武漢班線", "孝感班線", "天門班線", "漢川班線", "京山班線"},
	 {{K_COMPLAINT, "%X班車晚點不通知", "購買了%X早上八點的票，班車晚點一個多小時，車站沒有任何通知和解釋。"},
	  {K_COMPLAINT, "汽車站退票手續費過高", "在汽車站退%X的票，開車前兩小時退票收取了百分之二十的手續費。"},
	  {K_SUGGESTION, "建議汽車站增加自助售票機", "汽車站售票窗口排隊時間長，建議增加自助售票機並支持手機支付。"},
	  {K_PRAISE, "表揚汽車站工作人員", "在汽車站候車時突發身體不適，工作人員及時送醫並墊付了費用，非常感謝。"},
	  {K_CONSULT, "諮詢%X發車時間", "請問%X每天有幾個班次？春節期間會加班嗎？"}},
	 {{"已處理", "汽車站已核實情況，向您致歉並退還相關費用，同時完善了班車晚點"
		     "信息發布機制。"},
	  {"諮詢答覆", "%X每日發車時刻可在汽車站官方公眾號查詢，節假日將根據客流加開班次。"}}},
	{"expressway",
	 "高速公路通行",
	 "道路設施",
	 "高速公路收費、通行、服務區和清障救援。",
	 "高速 收費站 ETC 服務區 清障",
	 "高速公路管理處",
	 "收費站",
	 10,
	 6,
	 1,
	 {{0}},
	 {"城東收費站", "城西收費站", "漢宜高速", "服務區"},
	 {{K_COMPLAINT, "%X ETC重複扣費", "經過%X時ETC扣費兩次，請核查並退還重複扣除的通行費。"},
	  {K_COMPLAINT, "%X收費員態度差", "在%X繳費時收費員態度惡劣，請加強管理。"},
	  {K_COMPLAINT, "清障救援收費過高", "車輛在%X拋錨，清障拖車拖了十公里收費一千二百元，明顯偏高。"},
	  {K_SUGGESTION, "建議%X增加ETC車道", "節假日%X擁堵嚴重，建議增加ETC車道。"}},
	 {{"已退費", "經核查，系設備故障導致重複扣費，多扣費用將在七個工作日內原路退還。"},
	  {"已核查收費", "經核查，清障救援收費符合省定標準，收費明細已發送給您，如"
			 "有異議可申請覆核。"}}},
	{"policy",
	 "政策諮詢",
	 "綜合",
	 "交通運輸政策法規、行政許可和辦事指南諮詢。",
	 "政策 許可 辦事指南 法規",
	 "市交通運輸局",
	 "法規科",
	 5,
	 5,
	 1,
	 {{0}},
	 {"道路運輸經營許可", "從業資格證", "超限運輸許可", "客運班線許可"},
	 {{K_CONSULT, "諮詢%X辦理條件", "請問辦理%X需要什麼條件和材料？辦理時限是多久？"},
	  {K_CONSULT, "諮詢%X能否網上辦理", "%X可以網上辦理嗎？需要本人到現場嗎？"},
	  {K_SUGGESTION, "建議簡化%X材料", "辦理%X需要提交的材料太多，部分材料可以部門間共享，建議簡化。"}},
	 {{"諮詢答覆", "%X的辦理條件、所需材料和時限已在市政務服務網公布，可全程網"
		       "上辦理，也可到行政審批窗口辦理。"}}},
};
#define NCATS COUNT(cats)

/* ---- places, names ---- */

static const char *const places[] = {"長江大道與人民路交叉口",
				     "火車站廣場",
				     "城北客運站",
				     "楚天路",
				     "解放路中段",
				     "蒲陽大道",
				     "城中街道東城社區",
				     "温泉大道",
				     "市人民醫院門口",
				     "實驗小學附近",
				     "107國道城東段",
				     "漢北河大橋",
				     "新都大道",
				     "府河路",
				     "城南工業園",
				     "長江埠街道",
				     "東馬坊街道",
				     "四里棚街道",
				     "北辰路",
				     "盛灘路"};
static const double place_lat[] = {30.935, 30.948, 30.972, 30.941, 30.930, 30.925, 30.937, 30.918, 30.944, 30.951,
				   30.960, 30.889, 30.912, 30.902, 30.883, 30.866, 30.955, 30.978, 30.968, 30.921};
static const double place_lon[] = {113.573, 113.561, 113.580, 113.590, 113.569, 113.548, 113.576,
				   113.556, 113.584, 113.566, 113.612, 113.541, 113.531, 113.597,
				   113.620, 113.648, 113.601, 113.552, 113.574, 113.589};

static const char *const surnames[] = {"王", "李", "張", "劉", "陳", "楊", "趙", "黃", "周", "吳", "徐", "孫",
				       "胡", "朱", "高", "林", "何", "郭", "馬", "羅", "梁", "宋", "鄭", "謝"};
static const char *const mobile[] = {"138", "139", "135", "136", "150", "151",
				     "158", "186", "187", "189", "177", "133"};

static const char *const return_reasons[] = {"經核實，該事項不屬本單位職責範圍，請重新派發。",
					     "反映地點屬於其他單位管轄路段，建議轉交相關單位。",
					     "事項涉及多個部門，建議由辦公室協調派發。"};
static const char *const extension_reasons[] = {"需要協調多個部門現場會勘，申請延期。",
						"涉及企業調查取證，需要更多時間。",
						"維修需要等待材料進場，申請延期辦理。"};
static const char *const send_back_reasons[] = {"答覆內容不完整，未說明處理結果，請補充。",
						"答覆未回應群眾的具體訴求，請重新答覆。"};
static const char *const remind_notes[] = {"案件已超過辦理期限，請儘快辦理。", "請抓緊辦理並及時答覆。"};
static const char *const escalate_reasons[] = {"逾期三個工作日仍未答覆，提請分管領導督辦。",
					       "多次催辦無果，升級督辦。"};
static const char *const rate_comments_good[] = {"處理及時，很滿意。", "問題已經解決，謝謝。", "態度很好，效率高。"};
static const char *const rate_comments_bad[] = {"問題根本沒有解決，只是敷衍。", "答覆避重就輕，不滿意。",
						"處理太慢，過了這麼久才回覆。"};
static const char *const follow_notes[] = {"已電話回訪，群眾表示問題仍未解決，已督促承辦單位重新整改。",
					   "已電話回訪，群眾對答覆不認可，要求現場查看。"};
static const char *const appeal_reasons[] = {"已按規定處理並答覆，群眾的不滿意源於超出職權範圍的訴求，申請複核評價。",
					     "評價人反映的問題與本案無關，申請作廢該評價。"};
static const char *const uphold_reasons[] = {"經複核，群眾訴求超出法定職責範圍，申訴成立，該評價不計入考核。"};
static const char *const reject_reasons[] = {"經複核，承辦單位答覆未解決群眾合理訴求，申訴不成立。"};

/* ---- the generator ---- */

/* Columns of a case row, in the order of the INSERT. */
enum {
	C_ID,
	C_NUMBER,
	C_TITLE,
	C_KIND,
	C_CHANNEL,
	C_CATEGORY,
	C_DESCRIPTION,
	C_ADDRESS,
	C_LAT,
	C_LON,
	C_STATE,
	C_UNIT,
	C_DUE,
	C_RECEIVED,
	C_RESP_DUE,
	C_DISPATCHED,
	C_ACCEPTED,
	C_ANSWERED,
	C_CLOSED,
	C_HANDLING_DUE,
	C_ACC_ON_TIME,
	C_ANS_ON_TIME,
	C_HANDLING_DAYS,
	C_REPLY,
	C_EXTENSION_TO,
	C_RATING,
	C_RATING_COMMENT,
	C_RATINGS,
	C_RATED,
	C_RATING_VOID,
	C_APPEAL,
	C_FOLLOWUP_DUE,
	C_REMINDERS,
	C_ESCALATED,
	C_MERGED_INTO,
	C_ANONYMOUS,
	C_CONFIDENTIAL,
	C_CONTACT_NAME,
	C_CONTACT_PHONE,
	C_CONTACT_EMAIL,
	C_SUBMITTER,
	C_EXTRA,
	C_CREATED,
	C_UPDATED,
	C__COUNT
};
#define CASE_COLS                                                                  \
	"id, number, title, kind, channel, category_id, description, address, "    \
	"lat, lon, state, unit_id, due, received_at, response_due, "               \
	"dispatched_at, accepted_at, answered_at, closed_at, handling_due, "       \
	"accepted_on_time, answered_on_time, handling_days, reply, extension_to, " \
	"rating, rating_comment, ratings, rated, rating_void, appeal, "            \
	"followup_due, reminders, escalated, merged_into, anonymous, "             \
	"keep_confidential, contact_name, contact_phone, contact_email, "          \
	"submitter_user, extra, created_at, updated_at"

struct kase {
	const char *v[C__COUNT];
	int cat;
	const char *detail; /* what %X of its text was */
	int64_t open_until; /* when it was closed or merged; INT64_MAX: open */
};

#define EV_NCOLS 14
#define EV_COLS                                                                  \
	"record_type, record_id, at, user_id, actor, side, action, from_state, " \
	"to_state, reason, reply, note, data, is_public"

struct event {
	int64_t case_id, at;
	const char *actor, *side, *action, *from, *to, *reason, *reply, *note, *data;
	int pub;
};

struct names {
	const char *v[4];
	int n;
};

struct supervisor {
	const char *name, *phone;
	int64_t user;
};

struct gen {
	struct rng r;
	struct arena *a;
	int64_t now, today;
	int64_t cat_id[NCATS], cat_unit[NCATS];
	const char *cat_unit_name[NCATS];
	struct names cat_staff[NCATS];
	struct names office;
	int64_t units[64]; /* other handling units a misdirected case goes to */
	const char *unit_names[64];
	int nunits;
	struct supervisor sup[32];
	int nsup;
	struct kase *k;
	int nk, capk;
	struct event *ev;
	int nev, capev;
};

static const char *num(struct gen *g, int64_t v)
{
	return arena_printf(g->a, "%lld", (long long)v);
}

static const char *day_text(struct gen *g, int64_t day)
{
	char d[CAL_DATE_SIZE];
	return arena_strdup(g->a, cal_format_date(day, d));
}

/* The working-day calendar of the database the demo fills (the years the
 * migrations ship); set while cases_demo runs. */
static struct cal demo_cal;

/* The n-th working day after day (n = 0: day itself if it is one, else the
 * next); the calendar covers the demo's years, and past them weekends
 * alone are counted, which is all a demo needs. */
static int64_t wd(int64_t day, int n)
{
	int64_t due = day;
	cal_add_workdays(&demo_cal, day, n, &due);
	return due;
}

static int64_t wd_between(int64_t from, int64_t to)
{
	int64_t n = 0;
	cal_count_workdays(&demo_cal, from, to, &n);
	return n;
}

static int64_t at(int64_t day, int h, int m)
{
	return cal_local_time(day, h, m, 0);
}

/* A time of office hours on day: 8:30 .. 17:30. */
static int64_t office_time(struct gen *g, int64_t day)
{
	return at(day, 8 + rng_below(&g->r, 9), rng_below(&g->r, 60)) + 1800;
}

/* ---- one case's simulation ---- */

struct sim {
	struct gen *g;
	struct kase *k;
	int64_t id;
	int stopped;
	const char *state;
};

/* Logs a step at t unless it would lie after now; 1 when taken. */
static int step(struct sim *s, int64_t t, const char *side, const char *actor, const char *action, const char *to,
		const char *reason, const char *reply, const char *note, const char *data, int pub)
{
	struct gen *g = s->g;
	if (s->stopped || t > g->now) {
		s->stopped = 1;
		return 0;
	}
	if (g->nev == g->capev) {
		g->capev = g->capev ? g->capev * 2 : 8192;
		g->ev = realloc(g->ev, (size_t)g->capev * sizeof *g->ev);
	}
	g->ev[g->nev++] = (struct event){s->id, t, actor, side, action, s->state, to, reason, reply, note, data, pub};
	if (to)
		s->state = to;
	s->k->v[C_STATE] = s->state;
	s->k->v[C_UPDATED] = num(g, t);
	return 1;
}

static const char *json1(struct gen *g, const char *k, const char *v)
{
	json_t *o = json_pack("{s:s}", k, v);
	char *t = json_dumps(o, JSON_COMPACT);
	const char *r = arena_strdup(g->a, t);
	free(t);
	json_decref(o);
	return r;
}

static const char *staff(struct gen *g, const struct names *n)
{
	return n->n ? n->v[rng_below(&g->r, n->n)] : "系統管理員";
}

/* %P, %X replaced (arena). */
static const char *fill(struct gen *g, const char *t, const char *place, const char *x)
{
	struct buf b;
	buf_init(&b, g->a);
	for (const char *p = t; *p; p++) {
		if (p[0] == '%' && (p[1] == 'P' || p[1] == 'X')) {
			buf_puts(&b, p[1] == 'P' ? place : x);
			p++;
		} else {
			buf_putc(&b, *p);
		}
	}
	return b.p;
}

/* The rating given: '5' .. '1' by weights. */
static const char *draw_rating(struct gen *g, int second)
{
	static const int w1[] = {54, 26, 8, 6, 6}, w2[] = {40, 38, 16, 4, 2};
	const int *w = second ? w2 : w1;
	int x = rng_below(&g->r, 100), i = 0;
	while (i < 4 && (x -= w[i]) >= 0)
		i++;
	static const char *const v[] = {"5", "4", "3", "2", "1"};
	return v[i];
}

static const char *rating_label(const char *v)
{
	static const char *const l[] = {"非常不滿意", "不滿意", "一般", "滿意", "非常滿意"};
	return l[v[0] - '1'];
}

/* The handling unit's answer, possibly late: returns the day. */
static int64_t answer_day(struct gen *g, int64_t from, int64_t due, int late)
{
	if (late)
		return wd(due, 1 + rng_below(&g->r, 8));
	int64_t left = wd_between(from, due);
	return wd(from, 1 + rng_below(&g->r, left > 1 ? (int)left : 1));
}

/* Reminders and an escalation for a case whose answer (day ans) comes
 * after its deadline. */
static void chase(struct sim *s, int64_t due, int64_t ans)
{
	struct gen *g = s->g;
	int64_t d1 = wd(due, 1), d3 = wd(due, 3);
	if (d1 < ans &&
	    step(s, at(d1, 9, 5), "system", NULL, "remind", NULL, NULL, NULL, PICK(&g->r, remind_notes), NULL, 0))
		s->k->v[C_REMINDERS] = num(g, strtoll(s->k->v[C_REMINDERS], NULL, 10) + 1);
	if (d3 < ans &&
	    step(s, at(d3, 9, 5), "system", NULL, "escalate", NULL, PICK(&g->r, escalate_reasons), NULL, NULL, NULL, 0))
		s->k->v[C_ESCALATED] = "1";
}

/* From in hand (accepted or reopened on day `from`, deadline `due`) to
 * answered and closed; returns the close day or -1 when stopped. */
static int64_t handle(struct sim *s, int64_t from, int stuck)
{
	struct gen *g = s->g;
	struct kase *k = s->k;
	const struct cat *c = &cats[k->cat];
	const char *who = staff(g, &g->cat_staff[k->cat]);
	int64_t due = 0;
	cal_parse_date(k->v[C_DUE], &due);
	/* an extension now and then */
	if (!stuck && chance(&g->r, 6) && wd_between(from, due) > 2) {
		int64_t e = wd(from, 1 + rng_below(&g->r, 2));
		int64_t to = wd(due, 5 + rng_below(&g->r, 10));
		k->v[C_EXTENSION_TO] = day_text(g, to);
		if (!step(s, office_time(g, e), "unit", who, "request_extension", "extension",
			  PICK(&g->r, extension_reasons), NULL, NULL, json1(g, "extension_to", k->v[C_EXTENSION_TO]),
			  0))
			return -1;
		int approve = chance(&g->r, 85);
		if (!step(s, office_time(g, wd(e, 1)), "office", staff(g, &g->office),
			  approve ? "approve_extension" : "refuse_extension", "in_hand",
			  approve ? NULL : "延期理由不充分，請按原期限辦理。", NULL, NULL, NULL, 0))
			return -1;
		from = wd(e, 1);
		if (approve) {
			k->v[C_DUE] = k->v[C_EXTENSION_TO];
			k->v[C_HANDLING_DUE] = k->v[C_DUE];
			due = to;
		}
	}
	int late = stuck || chance(&g->r, 12);
	int64_t ans = stuck ? g->today + 400 : answer_day(g, from, due, late);
	if (ans > due)
		chase(s, due, ans);
	for (int round = 0;; round++) {
		int64_t t = office_time(g, ans);
		const char *reply = fill(g, c->replies[c->replies[1][0] ? rng_below(&g->r, 2) : 0][1], "", k->detail);
		if (!step(s, t, "unit", who, "answer", "answered", NULL, reply, NULL, NULL, 1))
			return -1;
		int64_t hd = 0, recv = cal_local_day(strtoll(k->v[C_RECEIVED], NULL, 10));
		cal_parse_date(k->v[C_HANDLING_DUE], &hd);
		k->v[C_ANSWERED] = num(g, t);
		k->v[C_REPLY] = reply;
		k->v[C_ANS_ON_TIME] = ans > hd ? "0" : "1";
		k->v[C_HANDLING_DAYS] = num(g, wd_between(recv, ans));
		k->v[C_DUE] = day_text(g, wd(ans, 2));
		/* the office checks the answer */
		int64_t chk = wd(ans, rng_below(&g->r, 3));
		if (round == 0 && chance(&g->r, 4)) {
			int64_t bt = office_time(g, chk) + 3600;
			if (bt <= t)
				bt = t + 1800;
			if (!step(s, bt, "office", staff(g, &g->office), "send_back", "in_hand",
				  PICK(&g->r, send_back_reasons), NULL, NULL, NULL, 0))
				return -1;
			k->v[C_DUE] = k->v[C_HANDLING_DUE];
			ans = wd(chk, 1 + rng_below(&g->r, 3));
			continue;
		}
		int64_t ct = office_time(g, chk) + 3600;
		if (ct <= t)
			ct = t + 1800;
		if (!step(s, ct, "office", staff(g, &g->office), "close", "closed", NULL, NULL, NULL, NULL, 1))
			return -1;
		k->v[C_CLOSED] = num(g, ct);
		k->v[C_DUE] = NULL;
		k->open_until = ct;
		return cal_local_day(ct);
	}
}

/* The submitter's rating of a closed case, the reopening it may bring and
 * an appeal. */
static void rate(struct sim *s, int64_t closed, int has_contact, int by_office)
{
	struct gen *g = s->g;
	struct kase *k = s->k;
	for (int n = 1; n <= 2; n++) {
		if (!has_contact || !chance(&g->r, n == 1 ? 68 : 60))
			return;
		int64_t d = wd(closed, rng_below(&g->r, 3));
		int64_t t = at(d, 10 + rng_below(&g->r, 9), rng_below(&g->r, 60));
		if (t <= strtoll(k->v[C_CLOSED], NULL, 10))
			t = strtoll(k->v[C_CLOSED], NULL, 10) + 7200;
		const char *v = draw_rating(g, n == 2);
		/* a case the office answered itself has no unit to rectify it: the
		 * demo gives those no unsatisfied rating */
		while (by_office && v[0] <= '2')
			v = draw_rating(g, 1);
		int bad = v[0] <= '2';
		const char *comment = chance(&g->r, 40)
					      ? bad ? PICK(&g->r, rate_comments_bad) : PICK(&g->r, rate_comments_good)
					      : NULL;
		json_t *o = json_pack("{s:s, s:s?}", "rating", rating_label(v), "rating_comment", comment);
		char *js = json_dumps(o, JSON_COMPACT);
		const char *data = arena_strdup(g->a, js);
		free(js);
		json_decref(o);
		if (!step(s, t, "submitter", k->v[C_CONTACT_NAME], "rate", NULL, NULL, NULL, NULL, data, 1))
			return;
		k->v[C_RATING] = v;
		k->v[C_RATING_COMMENT] = comment;
		k->v[C_RATINGS] = num(g, n);
		k->v[C_RATED] = "1";
		k->v[C_RATING_VOID] = "0";
		k->v[C_APPEAL] = NULL;
		if (bad && n == 1) {
			/* reopened for rectification, with a follow-up call */
			int64_t rd = cal_local_day(t);
			if (!step(s, t + 1, "system", NULL, "reopen", "in_hand", NULL, NULL, NULL, NULL, 1))
				return;
			k->v[C_DUE] = day_text(g, wd(rd, CASE_REOPEN_DAYS));
			k->v[C_HANDLING_DUE] = k->v[C_DUE];
			k->v[C_FOLLOWUP_DUE] = day_text(g, wd(rd, 1));
			k->v[C_RATED] = "0";
			k->v[C_ANSWERED] = k->v[C_CLOSED] = NULL;
			k->open_until = INT64_MAX;
			if (step(s, office_time(g, wd(rd, 1)), "office", staff(g, &g->office), "follow_up", NULL, NULL,
				 NULL, PICK(&g->r, follow_notes), NULL, 0))
				k->v[C_FOLLOWUP_DUE] = NULL;
			else
				return;
			closed = handle(s, wd(rd, 1), 0);
			if (closed < 0)
				return;
			continue;
		}
		/* a unit may appeal a poor rating it thinks unfair */
		if (v[0] <= '3' && chance(&g->r, 30)) {
			int64_t ad = wd(d, 1 + rng_below(&g->r, 2));
			if (!step(s, office_time(g, ad), "unit", staff(g, &g->cat_staff[k->cat]), "appeal", NULL,
				  PICK(&g->r, appeal_reasons), NULL, NULL, NULL, 0))
				return;
			k->v[C_APPEAL] = "pending";
			int up = chance(&g->r, 50);
			if (!step(s, office_time(g, wd(ad, 1 + rng_below(&g->r, 3))), "office", staff(g, &g->office),
				  up ? "uphold_appeal" : "reject_appeal", NULL,
				  up ? PICK(&g->r, uphold_reasons) : PICK(&g->r, reject_reasons), NULL, NULL, NULL, 0))
				return;
			k->v[C_APPEAL] = up ? "upheld" : "rejected";
			if (up)
				k->v[C_RATING_VOID] = "1";
		}
		return;
	}
}

/* Dispatches to unit on day d; the response and handling deadlines. */
static int dispatch(struct sim *s, int64_t d, int64_t after, int64_t unit, const char *unit_name)
{
	struct gen *g = s->g;
	struct kase *k = s->k;
	int64_t t = office_time(g, d);
	if (t <= after)
		t = after + 600 + rng_below(&g->r, 3600);
	d = cal_local_day(t);
	if (!step(s, t, "office", staff(g, &g->office), "dispatch", "dispatched", NULL, NULL,
		  chance(&g->r, 20) ? "請按時限辦理並答覆群眾。" : NULL, json1(g, "unit_id", unit_name), 0))
		return -1;
	k->v[C_UNIT] = num(g, unit);
	k->v[C_DISPATCHED] = num(g, t);
	k->v[C_RESP_DUE] = day_text(g, wd(d, 1));
	k->v[C_DUE] = day_text(g, wd(d, cats[k->cat].days));
	k->v[C_HANDLING_DUE] = k->v[C_DUE];
	k->v[C_ACCEPTED] = NULL;
	return 0;
}

/* The earlier open case the newest one repeats (same category, received
 * in the last fortnight, still open at t), or -1. */
static int duplicate_of(struct gen *g, int cat, int64_t t)
{
	for (int i = g->nk - 2, seen = 0; i >= 0 && seen < 60; i--, seen++) {
		struct kase *o = &g->k[i];
		int64_t rt = strtoll(o->v[C_RECEIVED], NULL, 10);
		if (t - rt > 14 * 86400)
			break;
		if (o->cat == cat && o->open_until > t + 86400 && strcmp(o->v[C_STATE], "merged") != 0)
			return i;
	}
	return -1;
}

static const char *const channels[] = {"hotline",      "web",        "open311",    "report_box", "media",
				       "opinion_form", "supervisor", "inspection", "appraisal",  "walk_in"};
static const int channel_w[] = {40, 18, 4, 3, 3, 5, 4, 5, 4, 8};

static void make_case(struct gen *g, int64_t t0)
{
	if (g->nk == g->capk) {
		g->capk = g->capk ? g->capk * 2 : 4096;
		g->k = realloc(g->k, (size_t)g->capk * sizeof *g->k);
	}
	struct kase *k = &g->k[g->nk];
	memset(k, 0, sizeof *k);
	int64_t id = g->nk + 1;
	struct sim s = {g, k, id, 0, NULL};
	/* the category by weight, a text of it */
	int total = 0;
	for (int i = 0; i < NCATS; i++)
		total += cats[i].weight;
	int x = rng_below(&g->r, total), ci = 0;
	while (ci < NCATS - 1 && (x -= cats[ci].weight) >= 0)
		ci++;
	const struct cat *c = &cats[ci];
	k->cat = ci;
	int nt = 0, ndet = 0;
	while (nt < COUNT(c->texts) && c->texts[nt].title)
		nt++;
	while (ndet < COUNT(c->details) && c->details[ndet])
		ndet++;
	const struct text *tx = &c->texts[rng_below(&g->r, nt)];
	int pi = rng_below(&g->r, COUNT(places));
	const char *detail = c->details[rng_below(&g->r, ndet)];
	k->detail = detail;
	/* the channel */
	int cw = 0;
	for (int i = 0; i < COUNT(channel_w); i++)
		cw += channel_w[i];
	x = rng_below(&g->r, cw);
	int chi = 0;
	while (chi < COUNT(channel_w) - 1 && (x -= channel_w[chi]) >= 0)
		chi++;
	const char *channel = channels[chi];
	if (!strcmp(channel, "supervisor") && !g->nsup)
		channel = "opinion_form";
	int64_t day = cal_local_day(t0);
	int y, m, d;
	cal_civil_from_days(day, &y, &m, &d);
	k->v[C_ID] = num(g, id);
	k->v[C_NUMBER] = arena_printf(g->a, "%04d-%06lld", y, (long long)id);
	k->v[C_TITLE] = fill(g, tx->title, places[pi], detail);
	k->v[C_KIND] = kind_codes[tx->kind];
	k->v[C_CHANNEL] = channel;
	k->v[C_CATEGORY] = num(g, g->cat_id[ci]);
	k->v[C_DESCRIPTION] = fill(g, tx->body, places[pi], detail);
	if (strstr(tx->body, "%P") || strstr(tx->title, "%P") || chance(&g->r, 30)) {
		k->v[C_ADDRESS] = arena_printf(g->a, "應城市%s", places[pi]);
		if (chance(&g->r, 45)) {
			k->v[C_LAT] = arena_printf(g->a, "%.6f", place_lat[pi] + (rng_below(&g->r, 2001) - 1000) * 1e-6);
			k->v[C_LON] = arena_printf(g->a, "%.6f", place_lon[pi] + (rng_below(&g->r, 2001) - 1000) * 1e-6);
		}
	}
	k->v[C_STATE] = "registered";
	k->v[C_RECEIVED] = num(g, t0);
	k->v[C_DUE] = day_text(g, wd(day, 1));
	k->v[C_RATINGS] = "0";
	k->v[C_RATED] = "0";
	k->v[C_RATING_VOID] = "0";
	k->v[C_REMINDERS] = "0";
	k->v[C_ESCALATED] = "0";
	k->v[C_CONFIDENTIAL] = "1";
	k->v[C_CREATED] = num(g, t0);
	k->v[C_UPDATED] = num(g, t0);
	k->open_until = INT64_MAX;
	/* who: a supervisor, someone anonymous, or a named person */
	int has_contact = 0;
	const char *submitter = NULL;
	if (!strcmp(channel, "supervisor")) {
		const struct supervisor *sp = &g->sup[rng_below(&g->r, g->nsup)];
		k->v[C_KIND] = tx->kind == K_PRAISE ? "praise" : "suggestion";
		k->v[C_ANONYMOUS] = "0";
		k->v[C_CONTACT_NAME] = sp->name;
		k->v[C_CONTACT_PHONE] = sp->phone;
		if (sp->user)
			k->v[C_SUBMITTER] = num(g, sp->user);
		submitter = sp->name;
		has_contact = 1;
	} else if (!strcmp(channel, "inspection") || !strcmp(channel, "appraisal") || !strcmp(channel, "media")) {
		k->v[C_ANONYMOUS] = "0";
	} else if (chance(&g->r, 16) || !strcmp(channel, "report_box")) {
		k->v[C_ANONYMOUS] = "1";
	} else {
		const char *sn = PICK(&g->r, surnames);
		k->v[C_ANONYMOUS] = "0";
		k->v[C_CONTACT_NAME] = arena_printf(g->a, "%s%s", sn, chance(&g->r, 55) ? "先生" : "女士");
		k->v[C_CONTACT_PHONE] = arena_printf(g->a, "%s%08d", PICK(&g->r, mobile), rng_below(&g->r, 100000000));
		if (chance(&g->r, 18))
			k->v[C_CONTACT_EMAIL] =
				arena_printf(g->a, "%d%06d@%s", 1 + rng_below(&g->r, 9), rng_below(&g->r, 1000000),
					     chance(&g->r, 60) ? "qq.com" : "163.com");
		has_contact = 1;
	}
	if (c->attrs[0].code) {
		const char *v = c->attrs[0].choices ? detail : detail;
		if (!strcmp(c->attrs[0].code, "platform") && !strstr(c->attrs[0].choices, v))
			v = "其他";
		k->v[C_EXTRA] = json1(g, c->attrs[0].code, v);
	}
	g->nk++;
	int web = !strcmp(channel, "web") || !strcmp(channel, "open311");
	step(&s, t0, web || submitter ? "submitter" : "office",
	     web || submitter ? (submitter ? submitter : k->v[C_CONTACT_NAME]) : staff(g, &g->office), "create",
	     "registered", NULL, NULL, NULL, NULL, 1);

	/* a repeat of an open case: merged into it */
	int dup = chance(&g->r, 3) ? duplicate_of(g, ci, t0) : -1;
	if (dup >= 0) {
		int64_t mt = office_time(g, wd(day, rng_below(&g->r, 2)));
		if (mt <= t0)
			mt = t0 + 1800;
		if (step(&s, mt, "office", staff(g, &g->office), "merge", "merged",
			 arena_printf(g->a, "與案件%s反映同一事項，併案辦理。", g->k[dup].v[C_NUMBER]), NULL, NULL,
			 json1(g, "merged_into", g->k[dup].v[C_TITLE]), 1)) {
			k->v[C_MERGED_INTO] = g->k[dup].v[C_ID];
			k->v[C_DUE] = NULL;
			k->open_until = mt;
		}
		return;
	}
	/* consultations the office answers itself */
	int hour = (int)((t0 - at(day, 0, 0)) / 3600);
	int64_t d1 = hour < 15 && wd(day, 0) == day ? day : wd(day, 1);
	if (chance(&g->r, 4))
		d1 = wd(day, 2); /* the office itself was late */
	if ((tx->kind == K_CONSULT && chance(&g->r, 60)) || chance(&g->r, 2)) {
		int64_t t = office_time(g, d1);
		if (t <= t0)
			t = t0 + 900 + rng_below(&g->r, 3600);
		const char *reply = fill(g, c->replies[0][1], "", detail);
		if (!step(&s, t, "office", staff(g, &g->office), "resolve", "closed", NULL, reply, NULL, NULL, 1))
			return;
		k->v[C_ANSWERED] = k->v[C_CLOSED] = num(g, t);
		k->v[C_REPLY] = reply;
		k->v[C_ANS_ON_TIME] = "1";
		k->v[C_HANDLING_DAYS] = num(g, wd_between(day, cal_local_day(t)));
		k->v[C_DUE] = NULL;
		k->open_until = t;
		rate(&s, cal_local_day(t), has_contact, 1);
		return;
	}
	/* dispatched: now and then first to the wrong unit, which returns it */
	if (g->nunits && chance(&g->r, 5)) {
		int u = rng_below(&g->r, g->nunits);
		if (g->units[u] != g->cat_unit[ci]) {
			if (dispatch(&s, d1, t0, g->units[u], g->unit_names[u]))
				return;
			int64_t rd = wd(d1, rng_below(&g->r, 2));
			int64_t rt = office_time(g, rd);
			if (rt <= strtoll(k->v[C_DISPATCHED], NULL, 10))
				rt = strtoll(k->v[C_DISPATCHED], NULL, 10) + 3600;
			if (!step(&s, rt, "unit", "承辦人", "return", "returned", PICK(&g->r, return_reasons), NULL,
				  NULL, NULL, 0))
				return;
			k->v[C_UNIT] = NULL;
			k->v[C_DUE] = day_text(g, wd(cal_local_day(rt), 1));
			d1 = wd(cal_local_day(rt), rng_below(&g->r, 2));
			t0 = rt;
		}
	}
	if (dispatch(&s, d1, t0, g->cat_unit[ci], g->cat_unit_name[ci]))
		return;
	int64_t dd = cal_local_day(strtoll(k->v[C_DISPATCHED], NULL, 10)), resp;
	cal_parse_date(k->v[C_RESP_DUE], &resp);
	int64_t ad = chance(&g->r, 90) ? wd(dd, rng_below(&g->r, 2)) : wd(resp, 1 + rng_below(&g->r, 3));
	int64_t atime = office_time(g, ad);
	if (atime <= strtoll(k->v[C_DISPATCHED], NULL, 10))
		atime = strtoll(k->v[C_DISPATCHED], NULL, 10) + 600 + rng_below(&g->r, 5400);
	ad = cal_local_day(atime);
	if (!step(&s, atime, "unit", staff(g, &g->cat_staff[ci]), "accept", "in_hand", NULL, NULL, NULL, NULL, 1))
		return;
	k->v[C_ACCEPTED] = num(g, atime);
	k->v[C_ACC_ON_TIME] = ad > resp ? "0" : "1";
	int64_t closed = handle(&s, ad, chance_pm(&g->r, 15));
	if (closed >= 0)
		rate(&s, closed, has_contact, 0);
}

/* ---- the organization the cases go to ---- */

static int64_t unit_named(struct db *db, int64_t parent, const char *name)
{
	return db_one_int64(db, 0,
			    "SELECT id FROM units WHERE parent_id = ? AND name = ? "
			    "AND archived = 0 ORDER BY id LIMIT 1",
			    "is", parent, name);
}

static void staff_of(struct gen *g, struct db *db, int64_t unit, struct names *out)
{
	struct db_stmt *q = db_query(db, g->a,
				     "SELECT p.name FROM people p JOIN unit_tree t ON t.unit_id = p.unit_id "
				     "WHERE t.ancestor_id = ? AND p.archived = 0 AND p.status = 'active' "
				     "ORDER BY p.is_leader, p.id LIMIT 4",
				     "i", unit);
	while (q && db_step(q) == DB_ROW && out->n < 4)
		out->v[out->n++] = arena_strdup(g->a, db_column_text(q, 0));
	db_reset(q);
}

static int setup(struct gen *g, struct db *db, int64_t now, char *err, size_t errlen)
{
	int64_t top = db_one_int64(db, 0,
				   "SELECT id FROM units WHERE parent_id IS NULL AND "
				   "archived = 0 ORDER BY id LIMIT 1",
				   NULL);
	const char *top_name = top ? db_one_text(db, g->a, "SELECT name FROM units WHERE id = ?", "i", top) : NULL;
	if (!top_name) {
		snprintf(err, errlen,
			 "the cases' demo needs the organization's demo "
			 "(units and people) first");
		return -1;
	}
	for (int i = 0; i < NCATS; i++) {
		const struct cat *c = &cats[i];
		int64_t org = strcmp(c->org, top_name) ? unit_named(db, top, c->org) : top;
		int64_t unit = org && c->unit ? unit_named(db, org, c->unit) : org;
		if (!unit) /* not the demo's tree: the top unit takes it */
			unit = top;
		g->cat_unit[i] = unit;
		g->cat_unit_name[i] = db_one_text(db, g->a, "SELECT name FROM units WHERE id = ?", "i", unit);
		staff_of(g, db, unit, &g->cat_staff[i]);
		int seen = 0;
		for (int k = 0; k < g->nunits; k++)
			seen |= g->units[k] == unit;
		if (!seen && g->nunits < COUNT(g->units)) {
			g->units[g->nunits] = unit;
			g->unit_names[g->nunits++] = g->cat_unit_name[i];
		}
		int64_t id = db_insert(db,
				       "INSERT INTO case_categories (code, name, group_name, description, "
				       "unit_id, days, keywords, public, created_at, updated_at) VALUES (?, "
				       "?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				       "ssssiisiii", c->code, c->name, c->group, c->description, unit, (int64_t)c->days,
				       c->keywords, (int64_t)c->is_public, now, now);
		if (id < 0)
			return (int)id;
		g->cat_id[i] = id;
		for (int k = 0; k < COUNT(c->attrs) && c->attrs[k].code; k++) {
			int rc = db_run(db,
					"INSERT INTO case_attributes (category_id, code, label, "
					"datatype, required, position, choices, created_at, "
					"updated_at) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?)",
					"isssisii", id, c->attrs[k].code, c->attrs[k].label, c->attrs[k].type,
					(int64_t)k + 1, c->attrs[k].choices, now, now);
			if (rc)
				return rc;
		}
		for (int k = 0; k < COUNT(c->replies) && c->replies[k][0]; k++) {
			int rc = db_run(db,
					"INSERT INTO case_replies (category_id, title, body, "
					"created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
					"issii", id, c->replies[k][0], fill(g, c->replies[k][1], "", "相關單位"), now,
					now);
			if (rc)
				return rc;
		}
	}
	static const char *const general[][2] = {
		{"已收悉轉辦", "您反映的問題已收悉，已轉交相關單位辦理，辦理結果將在法定"
			       "期限內答覆您。"},
		{"感謝表揚", "感謝您對交通運輸工作的肯定，您的表揚已轉達相關單位和個人。"}};
	for (int k = 0; k < COUNT(general); k++) {
		int rc = db_run(db,
				"INSERT INTO case_replies (title, body, created_at, "
				"updated_at) VALUES (?, ?, ?, ?)",
				"ssii", general[k][0], general[k][1], now, now);
		if (rc)
			return rc;
	}
	int64_t office = unit_named(db, top, "辦公室");
	int64_t civ = unit_named(db, top, "文明辦");
	staff_of(g, db, office ? office : top, &g->office);
	if (civ && g->office.n < 4)
		staff_of(g, db, civ, &g->office);
	struct db_stmt *q = db_query(db, g->a,
				     "SELECT s.name, s.phone, COALESCE(u.id, 0) FROM supervisors s LEFT JOIN "
				     "users u ON s.username IS NOT NULL AND u.username = s.username WHERE "
				     "s.archived = 0 ORDER BY s.id LIMIT 32",
				     NULL);
	while (q && db_step(q) == DB_ROW && g->nsup < COUNT(g->sup)) {
		struct supervisor *s = &g->sup[g->nsup++];
		s->name = arena_strdup(g->a, db_column_text(q, 0));
		s->phone = db_column_isnull(q, 1) ? NULL : arena_strdup(g->a, db_column_text(q, 1));
		s->user = db_column_int64(q, 2);
	}
	db_reset(q);
	return 0;
}

/* ---- the year ---- */

static int by_time(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static void generate(struct gen *g)
{
	double per_day = CASES_DEMO_PER_YEAR / 365.0;
	for (int64_t day = g->today - 364; day <= g->today; day++) {
		int y, m, d;
		cal_civil_from_days(day, &y, &m, &d);
		double f = wd(day, 0) == day ? 1.22 : 0.5;
		if (m == 7 || m == 8)
			f *= 1.15; /* summer: buses, taxis, road works */
		else if (m == 2)
			f *= 0.8; /* the Spring Festival */
		int n = (int)(per_day * f * (60 + rng_below(&g->r, 81)) / 100.0 + 0.5);
		int64_t times[64];
		int k = 0;
		for (int i = 0; i < n && i < 64; i++) {
			int64_t t = at(day, 7 + rng_below(&g->r, 14), rng_below(&g->r, 60)) + rng_below(&g->r, 60);
			if (t < g->now)
				times[k++] = t;
		}
		qsort(times, (size_t)k, sizeof *times, by_time);
		for (int i = 0; i < k; i++)
			make_case(g, times[i]);
	}
}

/* ---- writing ---- */

/* Rows of ncols text values (NULL: SQL NULL) into table, per rows a
 * statement. */
static int insert_rows(struct db *db, const char *table, const char *cols, int ncols, const char *const *vals,
		       int nrows, int per)
{
	struct arena a;
	arena_init(&a);
	int rc = 0;
	for (int done = 0; !rc && done < nrows; done += per) {
		int n = nrows - done < per ? nrows - done : per;
		struct buf sql;
		buf_init(&sql, &a);
		buf_printf(&sql, "INSERT INTO %s (%s) VALUES ", table, cols);
		for (int r = 0; r < n; r++) {
			buf_puts(&sql, r ? ", (?" : "(?");
			for (int c = 1; c < ncols; c++)
				buf_puts(&sql, ", ?");
			buf_putc(&sql, ')');
		}
		struct db_stmt *s = db_prepare(db, &a, sql.p);
		if (!s) {
			rc = DB_ERR;
			break;
		}
		for (int i = 0; !rc && i < n * ncols; i++)
			rc = db_bind_text(s, i + 1, vals[(size_t)done * ncols + i]);
		if (!rc) {
			rc = db_step(s);
			rc = rc == DB_DONE ? 0 : rc < 0 ? rc : DB_ERR;
		}
		arena_reset(&a);
	}
	arena_free(&a);
	return rc;
}

static int write_all(struct gen *g, struct db *db)
{
	const char **cv = malloc((size_t)g->nk * C__COUNT * sizeof *cv);
	const char **ev = malloc((size_t)g->nev * EV_NCOLS * sizeof *ev);
	if (!cv || !ev) {
		free(cv);
		free(ev);
		return DB_ERR;
	}
	for (int i = 0; i < g->nk; i++)
		memcpy(&cv[(size_t)i * C__COUNT], g->k[i].v, sizeof g->k[i].v);
	for (int i = 0; i < g->nev; i++) {
		const struct event *e = &g->ev[i];
		const char **v = &ev[(size_t)i * EV_NCOLS];
		v[0] = "cases";
		v[1] = num(g, e->case_id);
		v[2] = num(g, e->at);
		v[3] = NULL;
		v[4] = e->actor;
		v[5] = e->side;
		v[6] = e->action;
		v[7] = e->from;
		v[8] = e->to;
		v[9] = e->reason;
		v[10] = e->reply;
		v[11] = e->note;
		v[12] = e->data;
		v[13] = e->pub ? "1" : "0";
	}
	/* PostgreSQL takes at most 256 values a statement (db_pg.c) */
	int rc = insert_rows(db, "cases", CASE_COLS, C__COUNT, cv, g->nk, 256 / C__COUNT);
	if (!rc)
		rc = insert_rows(db, "record_events", EV_COLS, EV_NCOLS, ev, g->nev, 256 / EV_NCOLS);
	if (!rc && db_kind(db) == DB_PG) {
		struct arena a;
		arena_init(&a);
		struct db_stmt *s = db_query(db, &a,
					     "SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT "
					     "max(id) FROM cases))",
					     NULL);
		rc = s && db_step(s) == DB_ROW ? 0 : DB_ERR;
		arena_free(&a);
	}
	free(cv);
	free(ev);
	return rc;
}

int cases_demo(struct db *db, const struct demo_options *o, char *err, size_t errlen)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int64_t existing = db_one_int64(db, -1,
					"SELECT (SELECT count(*) FROM cases) + (SELECT count(*) FROM "
					"case_categories)",
					NULL);
	if (existing < 0) {
		snprintf(err, errlen, "cannot read the cases tables: %s", db_errmsg(db));
		return DB_ERR;
	}
	if (existing > 0) {
		snprintf(err, errlen,
			 "the database has cases or categories already; the "
			 "demo is for an empty database");
		return DEMO_E_NOT_EMPTY;
	}
	if (workdays_load(db, &demo_cal, NULL, NULL)) {
		cal_free(&demo_cal);
		snprintf(err, errlen, "cannot read the working-day calendar: %s", db_errmsg(db));
		return DB_ERR;
	}
	struct arena a;
	arena_init(&a);
	struct gen *g = calloc(1, sizeof *g);
	if (!g) {
		arena_free(&a);
		cal_free(&demo_cal);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	g->a = &a;
	g->r.s = o->seed ^ 0x63617365732d3132u;
	g->now = (int64_t)time(NULL);
	g->today = cal_local_day(g->now);
	int rc = db_begin(db);
	if (rc) {
		snprintf(err, errlen, "cannot begin a transaction: %s", db_errmsg(db));
		goto out;
	}
	rc = setup(g, db, g->now, err, errlen);
	if (!rc) {
		generate(g);
		rc = write_all(g, db);
		if (rc)
			snprintf(err, errlen, "cannot write the demo cases: %s", db_errmsg(db));
	} else if (rc != -1) {
		snprintf(err, errlen, "cannot write the case categories: %s", db_errmsg(db));
	}
	if (!rc) {
		json_t *sum = json_pack("{s:I, s:i, s:i, s:i}", "seed", (json_int_t)(o->seed & INT64_MAX), "categories",
					NCATS, "cases", g->nk, "events", g->nev);
		rc = audit_write(db, 0, "system", "cli", "demo_load", "cases", 0, NULL, sum);
		json_decref(sum);
		if (rc)
			snprintf(err, errlen, "cannot write the audit entry: %s", db_errmsg(db));
	}
	if (!rc && (rc = db_commit(db)))
		snprintf(err, errlen, "cannot commit: %s", db_errmsg(db));
	if (rc) {
		db_rollback(db);
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("loaded the demo cases in %.2f s: %d categories, %d cases of the "
	       "last 365 days with %d events\n",
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, NCATS, g->nk, g->nev);
	printf("  %lld open (%lld overdue), %lld closed, %lld merged\n",
	       (long long)db_one_int64(db, 0,
				       "SELECT count(*) FROM cases WHERE state NOT "
				       "IN ('closed', 'merged')",
				       NULL),
	       (long long)db_one_int64(db, 0,
				       "SELECT count(*) FROM cases WHERE state NOT "
				       "IN ('closed', 'merged') AND due < ?",
				       "s", day_text(g, g->today)),
	       (long long)db_one_int64(db, 0, "SELECT count(*) FROM cases WHERE state = 'closed'", NULL),
	       (long long)db_one_int64(db, 0, "SELECT count(*) FROM cases WHERE state = 'merged'", NULL));
out:
	free(g->k);
	free(g->ev);
	free(g);
	arena_free(&a);
	cal_free(&demo_cal);
	return rc;
}
