"""Default case categories (事件分类): a two-level tree per kind, so intake has a list to pick from
on a fresh install. Administrators edit them as data; this migration only adds what is missing
(get_or_create by kind, parent and name) and never changes or removes an existing row.
"""

from django.db import migrations

# kind -> [(top-level name, [child names])]
DEFAULTS = {
    "appeal": [
        ("市政设施", ["道路破损", "路灯照明", "井盖缺失", "供排水", "公共设施损坏"]),
        ("环境卫生", ["垃圾清运", "污水排放", "噪声扰民", "私搭乱建", "占道经营"]),
        ("社会保障", ["养老保险", "医疗保险", "低保救助", "残疾人帮扶", "就业服务"]),
        ("教育医疗", ["入学就学", "医疗服务", "疫苗接种"]),
        ("农业农村", ["惠农补贴", "农田水利", "农村道路", "人居环境"]),
        ("劳动权益", ["拖欠工资", "劳动合同", "工伤认定"]),
    ],
    "dispute": [
        ("婚姻家庭", ["离婚", "赡养", "抚养", "继承", "家庭矛盾"]),
        ("邻里", ["通行采光", "排水滴水", "噪声", "宠物饲养", "日常口角"]),
        ("房屋宅基地", ["宅基地界址", "房屋买卖", "房屋租赁", "建房施工"]),
        ("合同", ["买卖合同", "借贷", "承揽施工", "土地承包合同"]),
        ("损害赔偿", ["人身损害", "财产损害", "交通事故赔偿", "医疗纠纷"]),
        ("山林土地", ["土地承包经营", "山林权属", "征地拆迁", "水利用水"]),
        ("劳资", ["欠薪", "工伤", "劳务报酬"]),
    ],
    "hazard": [
        ("消防安全", ["电动车违规充电", "用火用电", "消防通道堵塞", "消防设施缺损", "易燃物堆放"]),
        ("道路交通", ["路面塌陷", "交通标志缺损", "违规停放", "农用车载人", "校车安全"]),
        ("地质灾害", ["山体滑坡", "崩塌落石", "泥石流", "地面塌陷"]),
        ("建筑安全", ["危房", "违规施工", "广告牌松动", "电梯故障"]),
        ("燃气与危化品", ["燃气泄漏", "液化气钢瓶", "危化品存放"]),
        ("食品药品", ["过期食品", "无证经营", "假冒药品"]),
        ("水域安全", ["溺水隐患", "护栏缺失", "河道堵塞"]),
    ],
    "opinion": [
        ("政策建议", ["惠民政策", "产业发展", "乡村振兴"]),
        ("公共服务", ["便民服务", "办事效率", "窗口服务"]),
        ("干部作风", ["服务态度", "工作作风"]),
        ("基层治理", ["网格管理", "村务公开", "村规民约"]),
    ],
    "petition": [
        ("土地征收", ["征地补偿", "安置", "拆迁"]),
        ("劳动社保", ["工资待遇", "社会保险", "退役军人待遇"]),
        ("城乡建设", ["规划建设", "物业管理", "住房保障"]),
        ("涉法涉诉", ["执法争议", "司法程序"]),
        ("农村农业", ["集体资产", "土地承包", "村务管理"]),
        ("民政", ["低保", "救助", "殡葬"]),
    ],
    "consultation": [
        ("政策咨询", ["社保医保", "户籍", "惠农政策", "住房"]),
        ("办事指南", ["证件办理", "审批事项", "便民服务"]),
        ("法律咨询", ["婚姻家庭", "劳动用工", "合同债务", "土地房屋"]),
    ],
}


def seed(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    for kind, tops in DEFAULTS.items():
        for top_position, (top_name, children) in enumerate(tops, start=1):
            top, _created = Category.objects.get_or_create(
                kind=kind, parent=None, name=top_name, defaults={"position": top_position * 10}
            )
            for position, name in enumerate(children, start=1):
                Category.objects.get_or_create(
                    kind=kind, parent=top, name=name, defaults={"position": position * 10}
                )


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_dispute_settle_time")]

    # Reversing leaves the rows: cases may already point at them (on_delete=PROTECT).
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
