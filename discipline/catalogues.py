"""The prohibition catalogues shipped with the product (换届纪律), as plain data.

Migration 0002 loads them into ``ProhibitionCatalogue`` and ``ProhibitionItem``; an
admin then edits them, or adds a county's own, in the admin site. A concluded case
records which items it hit, so item numbers are stable once shipped.

Where the texts come from:

- 十二严禁: items 1–8 are from the city's notice 《关于严肃村(社区)“两委”换届纪律
  加强换届风气监督的通知》, verbatim; the notice ends its list with "等等", so items 9–12
  are representative texts of the same notice family, to be checked against the local
  document by an admin.
- 十严禁 and 十不准: the 郑东新区 report names them (the pledge makes candidates keep both) without
  listing them; the texts are representative of the 2021 renewal notices.
- 六不准: the city's notice names its "六不准" without listing it; representative texts.
"""

SHIER_YANJIN = {
    "code": "shi-er-yan-jin",
    "name": "十二严禁",
    "version": "2021",
    "source": "市纪委机关、市委组织部《关于严肃村(社区)“两委”换届纪律 加强换届风气监督的通知》",
    "items": [
        "严禁以赠送礼品、礼金、消费卡、网上转账、电子红包等财物和安排吃请等方式进行拉票贿选",
        "严禁通过打电话、发微信短信、私下拜访等方式搞非组织活动",
        "严禁以暴力、威胁、欺骗、贿赂等手段妨碍他人行使选举权和被选举权",
        "严禁以唆使他人避会抵制、张贴大字报、煽动上访闹事、诽谤中伤他人等不正当手段扰乱换届秩序",
        "严禁参与或利用家族、宗族、宗教、黑恶、敌对势力等干扰、破坏换届选举",
        "严禁以抢夺和损坏票箱、伪造虚报选票、冲击选举会场等破坏、妨碍选举",
        "严禁收买、胁迫选举工作人员在选举中进行舞弊",
        "严禁对选举工作中检举、控告违纪违法行为的人员进行打击报复",
        "严禁换届后拒不移交印章、办公场所、办公用具、财务账册、集体资产、工作档案",
        "严禁说情打招呼、干预换届人选推荐和选举",
        "严禁违规简化选举程序、操纵选举或弄虚作假",
        "严禁换届期间突击花钱、突击处置集体资产资源、突击提拔调整人员",
    ],
}

SHI_YANJIN = {
    "code": "shi-yan-jin",
    "name": "十严禁",
    "version": "2021",
    "source": "换届纪律承诺书所列“十严禁”；代表性文本，请按本地文件核对",
    "items": [
        "严禁拉帮结派、搞团团伙伙",
        "严禁拉票贿选",
        "严禁买官卖官",
        "严禁跑官要官",
        "严禁个人主义、不服从组织决定",
        "严禁说情打招呼",
        "严禁违规用人",
        "严禁跑风漏气、泄露换届工作秘密",
        "严禁弄虚作假",
        "严禁干扰换届",
    ],
}

SHI_BUZHUN = {
    "code": "shi-bu-zhun",
    "name": "十不准",
    "version": "2021",
    "source": "换届纪律承诺书所列“十不准”；代表性文本，请按本地文件核对",
    "items": [
        "不准以任何形式拉票贿选",
        "不准利用家族、宗族、派性势力干扰选举",
        "不准以暴力、威胁、欺骗等手段妨碍选民依法行使选举权",
        "不准搞非组织活动、串联拉票",
        "不准为他人拉票或充当“中间人”",
        "不准散布谣言、诽谤中伤他人",
        "不准煽动群众闹事、阻挠选举正常进行",
        "不准对检举控告人打击报复",
        "不准违规操作选举程序、伪造选票或选举结果",
        "不准换届后拒不移交工作和集体资产",
    ],
}

LIU_BUZHUN = {
    "code": "liu-bu-zhun",
    "name": "六不准",
    "version": "2021",
    "source": "市委村(社区)“两委”换届“六不准”纪律要求；代表性文本，请按本地文件核对",
    "items": [
        "不准拉帮结派、拉票贿选",
        "不准搞非组织活动",
        "不准说情打招呼",
        "不准干扰破坏换届选举",
        "不准弄虚作假、违规操作",
        "不准对检举人打击报复",
    ],
}

CATALOGUES = [SHIER_YANJIN, SHI_YANJIN, SHI_BUZHUN, LIU_BUZHUN]
