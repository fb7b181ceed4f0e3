#!/usr/bin/env python3
"""Writes assets/demo-catalog.csv: the demo store's products (invented brands, valid GTINs).

Deterministic: run it again and the file does not change.
"""
import csv
import pathlib

def check_digit(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)

# (English, Chinese, unit, base price, age restricted) per product family; each is sold in sizes.
FAMILIES = [
    ("Jasmine green tea", "茉莉绿茶", "bottle", "3.50", False, ["500ml", "1L", "12x500ml"]),
    ("Oolong tea", "乌龙茶", "bottle", "4.00", False, ["500ml", "1.25L"]),
    ("Sparkling water lemon", "柠檬味苏打水", "can", "2.80", False, ["330ml", "6x330ml", "24x330ml"]),
    ("Mineral water", "矿泉水", "bottle", "1.80", False, ["550ml", "1.5L", "5L"]),
    ("Orange juice", "橙汁", "carton", "9.90", False, ["1L", "2L"]),
    ("Soy milk", "豆奶", "carton", "5.50", False, ["250ml", "1L"]),
    ("Fresh milk", "鲜牛奶", "carton", "12.80", False, ["950ml", "1.9L"]),
    ("Plain yoghurt", "原味酸奶", "cup", "6.50", False, ["100g", "4x100g", "1kg"]),
    ("Instant coffee", "速溶咖啡", "box", "29.90", False, ["20 sticks", "48 sticks"]),
    ("Ground coffee", "研磨咖啡粉", "bag", "58.00", False, ["250g", "500g"]),
    ("Jasmine rice", "茉莉香米", "bag", "39.90", False, ["2.5kg", "5kg", "10kg"]),
    ("Glutinous rice", "糯米", "bag", "15.80", False, ["1kg", "2.5kg"]),
    ("Wheat noodles", "挂面", "pack", "6.90", False, ["500g", "1kg"]),
    ("Instant noodles beef", "红烧牛肉面", "pack", "4.50", False, ["1 pack", "5 packs", "cup"]),
    ("Rice noodles", "米粉", "pack", "8.80", False, ["400g", "1kg"]),
    ("Dumplings pork and cabbage", "猪肉白菜水饺", "bag", "19.90", False, ["500g", "1kg"]),
    ("Steamed buns", "速冻包子", "bag", "14.90", False, ["6 pcs", "12 pcs"]),
    ("Light soy sauce", "生抽", "bottle", "9.90", False, ["500ml", "1.28L"]),
    ("Dark soy sauce", "老抽", "bottle", "10.50", False, ["500ml"]),
    ("Black vinegar", "香醋", "bottle", "8.50", False, ["500ml", "1L"]),
    ("Oyster sauce", "蚝油", "bottle", "12.90", False, ["510g", "700g"]),
    ("Chilli oil", "辣椒油", "jar", "11.90", False, ["210g", "400g"]),
    ("Peanut oil", "花生油", "bottle", "79.90", False, ["1.8L", "5L"]),
    ("Sesame oil", "芝麻香油", "bottle", "18.90", False, ["220ml", "400ml"]),
    ("Sea salt", "海盐", "bag", "3.00", False, ["400g", "1kg"]),
    ("White sugar", "白砂糖", "bag", "7.50", False, ["500g", "1kg"]),
    ("Potato chips original", "原味薯片", "bag", "7.90", False, ["70g", "135g"]),
    ("Potato chips cucumber", "黄瓜味薯片", "bag", "7.90", False, ["70g", "135g"]),
    ("Shrimp crackers", "虾条", "bag", "5.50", False, ["60g", "150g"]),
    ("Seaweed snack", "海苔", "pack", "9.90", False, ["5g x 8", "40g"]),
    ("Sunflower seeds", "瓜子", "bag", "12.80", False, ["250g", "500g"]),
    ("Roasted peanuts", "花生", "bag", "10.80", False, ["200g", "500g"]),
    ("Dark chocolate", "黑巧克力", "bar", "15.90", False, ["100g", "3x100g"]),
    ("Milk chocolate", "牛奶巧克力", "bar", "13.90", False, ["100g", "200g"]),
    ("Butter cookies", "黄油曲奇", "tin", "35.00", False, ["454g", "908g"]),
    ("Egg rolls", "鸡蛋卷", "box", "22.00", False, ["256g"]),
    ("Mooncake lotus seed", "莲蓉月饼", "box", "88.00", False, ["4 pcs", "8 pcs"]),
    ("Beef jerky", "牛肉干", "bag", "39.90", False, ["100g", "250g"]),
    ("Dried mango", "芒果干", "bag", "19.90", False, ["80g", "200g"]),
    ("Red dates", "红枣", "bag", "25.00", False, ["500g", "1kg"]),
    ("Walnuts", "核桃", "bag", "32.00", False, ["500g"]),
    ("Eggs free range", "散养鸡蛋", "box", "16.80", False, ["10 pcs", "30 pcs"]),
    ("Tofu firm", "老豆腐", "pack", "3.50", False, ["400g"]),
    ("Frozen shrimp", "冷冻虾仁", "bag", "49.90", False, ["300g", "1kg"]),
    ("Chicken wings", "鸡翅中", "tray", "29.90", False, ["500g", "1kg"]),
    ("Pork belly", "五花肉", "tray", "36.00", False, ["500g"]),
    ("Beer lager", "啤酒", "can", "5.00", True, ["500ml", "6x500ml", "24x330ml"]),
    ("Baijiu", "白酒", "bottle", "168.00", True, ["500ml", "100ml"]),
    ("Red wine", "红葡萄酒", "bottle", "98.00", True, ["750ml"]),
    ("Rice wine", "黄酒", "bottle", "25.00", True, ["500ml", "2.5L"]),
    ("Cigarettes", "香烟", "pack", "25.00", True, ["20 pcs"]),
    ("Toothpaste mint", "薄荷牙膏", "tube", "12.90", False, ["120g", "2x120g"]),
    ("Toothbrush soft", "软毛牙刷", "pack", "9.90", False, ["1 pc", "3 pcs"]),
    ("Shampoo", "洗发水", "bottle", "39.90", False, ["400ml", "750ml"]),
    ("Shower gel", "沐浴露", "bottle", "29.90", False, ["500ml", "1L"]),
    ("Laundry detergent", "洗衣液", "bottle", "45.90", False, ["2kg", "3kg"]),
    ("Dish soap", "洗洁精", "bottle", "9.90", False, ["500g", "1.5kg"]),
    ("Tissue paper", "抽纸", "pack", "19.90", False, ["3 packs", "10 packs"]),
    ("Toilet paper", "卷纸", "pack", "32.90", False, ["10 rolls", "27 rolls"]),
    ("Wet wipes", "湿巾", "pack", "8.90", False, ["80 pcs"]),
    ("Garbage bags", "垃圾袋", "roll", "7.90", False, ["30 pcs", "100 pcs"]),
    ("AA batteries", "五号电池", "pack", "19.90", False, ["4 pcs", "10 pcs"]),
    ("Umbrella folding", "折叠伞", "piece", "39.00", False, ["1 pc"]),
    ("Face masks", "口罩", "box", "15.00", False, ["10 pcs", "50 pcs"]),
    ("Baby formula stage 1", "一段婴儿奶粉", "tin", "268.00", False, ["800g"]),
    ("Baby diapers M", "婴儿纸尿裤M码", "pack", "89.00", False, ["56 pcs"]),
    ("Cat food", "猫粮", "bag", "59.00", False, ["1.5kg", "5kg"]),
    ("Dog food", "狗粮", "bag", "79.00", False, ["2kg", "10kg"]),
    ("Apples Fuji", "红富士苹果", "bag", "15.80", False, ["1kg", "2.5kg"]),
    ("Bananas", "香蕉", "bunch", "8.90", False, ["1kg"]),
    ("Mandarins", "砂糖橘", "bag", "12.90", False, ["1.5kg"]),
    ("Bok choy", "上海青", "bag", "4.50", False, ["500g"]),
    ("Tomatoes", "西红柿", "tray", "6.90", False, ["500g"]),
    ("Ginger", "生姜", "bag", "5.90", False, ["250g"]),
    ("Frozen dumpling wrappers", "饺子皮", "bag", "6.50", False, ["500g"]),
    ("Green tea leaves", "龙井茶叶", "tin", "128.00", False, ["100g", "250g"]),
    ("Pu-erh tea cake", "普洱茶饼", "cake", "158.00", False, ["357g"]),
    ("Honey", "蜂蜜", "jar", "45.00", False, ["500g", "1kg"]),
    ("Peanut butter", "花生酱", "jar", "19.90", False, ["340g"]),
    ("Strawberry jam", "草莓酱", "jar", "16.90", False, ["300g"]),
    ("Sliced bread", "切片面包", "bag", "11.90", False, ["400g", "800g"]),
    ("Corn flakes", "玉米片", "box", "29.90", False, ["375g"]),
    ("Oatmeal instant", "即食燕麦片", "bag", "24.90", False, ["1kg"]),
    ("Ice cream vanilla", "香草冰淇淋", "tub", "32.00", False, ["450ml", "1L"]),
    ("Frozen pizza", "冷冻披萨", "box", "35.90", False, ["360g"]),
    ("Canned tuna", "金枪鱼罐头", "can", "12.90", False, ["185g", "3x185g"]),
    ("Canned corn", "玉米罐头", "can", "6.90", False, ["340g"]),
    ("Coconut water", "椰子水", "bottle", "8.90", False, ["330ml", "1L"]),
    ("Energy drink", "能量饮料", "can", "6.00", False, ["250ml", "6x250ml"]),
    ("Lemon tea", "柠檬茶", "carton", "3.80", False, ["250ml", "6x250ml"]),
    ("Milk tea", "奶茶", "bottle", "6.50", False, ["450ml", "6x450ml"]),
    ("Almond milk", "杏仁露", "can", "4.50", False, ["240ml", "20x240ml"]),
    ("Herbal tea", "凉茶", "can", "4.00", False, ["310ml", "24x310ml"]),
    ("Sichuan pepper", "花椒", "bag", "12.00", False, ["50g", "200g"]),
    ("Star anise", "八角", "bag", "9.00", False, ["50g"]),
    ("Doubanjiang", "郫县豆瓣酱", "jar", "13.50", False, ["500g", "1kg"]),
    ("Hoisin sauce", "海鲜酱", "jar", "11.00", False, ["240g"]),
    ("Fermented bean curd", "腐乳", "jar", "7.50", False, ["340g"]),
    ("Pickled mustard", "榨菜", "pack", "1.50", False, ["80g", "10x80g"]),
    ("Lotus root", "莲藕", "bag", "9.90", False, ["500g"]),
    ("Shiitake dried", "干香菇", "bag", "29.90", False, ["150g", "500g"]),
    ("Wood ear fungus", "黑木耳", "bag", "19.90", False, ["100g"]),
    ("Glass noodles", "粉丝", "pack", "7.90", False, ["300g"]),
    ("Sticky rice dumplings", "粽子", "pack", "29.90", False, ["4 pcs", "10 pcs"]),
    ("Sesame balls frozen", "芝麻汤圆", "bag", "13.90", False, ["500g"]),
    ("Spring rolls frozen", "春卷", "bag", "16.90", False, ["400g"]),
    ("Fish balls", "鱼丸", "bag", "18.90", False, ["400g", "1kg"]),
    ("Hand cream", "护手霜", "tube", "25.00", False, ["50ml"]),
    ("Sunscreen SPF50", "防晒霜", "tube", "89.00", False, ["60ml"]),
    ("Phone charging cable", "手机数据线", "piece", "29.00", False, ["1m", "2m"]),
    ("Notebook A5", "A5笔记本", "piece", "8.00", False, ["1 pc", "5 pcs"]),
    ("Gel pens black", "黑色中性笔", "pack", "12.00", False, ["3 pcs", "12 pcs"]),
    ("Kitchen towels", "厨房纸巾", "pack", "15.90", False, ["2 rolls", "6 rolls"]),
    ("Cola", "可乐", "can", "3.00", False, ["330ml", "2L", "24x330ml"]),
]

def main() -> None:
    rows = []
    seq = 0
    for fam_i, (en, zh, unit, price, adult, sizes) in enumerate(FAMILIES):
        for size_i, size in enumerate(sizes):
            seq += 1
            # Prices scale with size; multi-packs cost less per unit.
            cents = round(float(price) * 100 * (1 + size_i * 1.8))
            cents -= cents % 10
            if seq % 17 == 0:
                # A few 8-digit EAN-8 codes, as small items carry.
                body = f"690{seq:04d}"
            elif seq % 13 == 0:
                # Imported goods with 12-digit UPC-A codes.
                body = f"0{36000 + fam_i:05d}{seq:05d}"
            else:
                body = f"69{2 + fam_i % 7}{10000 + fam_i * 37:05d}{seq:04d}"
            gtin = body + check_digit(body)
            rows.append({
                "gtin": gtin,
                "name": f"{en} {size}",
                "name_zh": f"{zh} {size}",
                "price": f"{cents // 100}.{cents % 100:02d}",
                "currency": "CNY",
                "sku": f"SS-{seq:05d}",
                "unit": unit,
                "age_restricted": "true" if adult else "false",
                "stock": str(20 + (seq * 37) % 180),
                # Aisle letter and bay: ten families a aisle (pick lists walk them in order).
                "shelf": f"{chr(ord('A') + fam_i // 10)}{fam_i % 10 + 1}",
            })
    out = pathlib.Path(__file__).with_name("demo-catalog.csv")
    with out.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} products -> {out}")

if __name__ == "__main__":
    main()
