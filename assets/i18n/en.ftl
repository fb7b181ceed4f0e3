app-title = smartstore
mode-counter = Counter
mode-kiosk = Self-service
mode-setup = Setup
status-online = Online
status-offline = Offline
status-unsynced = { $count } unsynced
status-oldest = oldest { $age }
status-all-synced = all orders on the platform
status-store-damaged = Database damaged: new orders are refused. Call a technician.
status-store-read-only = The disk is read-only: new orders are refused. Call a technician.
status-store-disk-full = The disk is full: new orders wait for space; stored orders are still sent.
status-quarantined = { $count } set aside (refused by the platform): call support
status-identity-conflict = This terminal's data was restored or copied: orders are kept here but not sent. Call a technician.
status-demo = Demo store (not enrolled)
status-error = Last sync error: { $error }
scan-placeholder = Scan or type a code, then Enter
scan-button = Add
camera-title = Camera
camera-none = No camera found. Showing the demo frames instead.
camera-off = Camera off: scan with a USB scanner or type the code
camera-starting = Starting the camera…
camera-failed = Camera stopped: { $reason }
camera-decoder-fault = The decoder skipped { $count } frame(s) it could not read; scanning goes on. Please report it.
cart-title = Cart
cart-empty = The cart is empty. Scan a product to start.
cart-remove = Remove
cart-subtotal = Subtotal
cart-discount = Discount
cart-total = Total
cart-items = { $count } items
weighed-line = { $weight } kg × { $per_kg }/kg
weighed-weight = { $weight } kg
coupon-line = Coupon: { $what }
coupon-amount-off = { $amount } off
coupon-amount-off-min = { $amount } off over { $min }
coupon-percent-off = { $percent }% off
coupon-percent-off-min = { $percent }% off over { $min }
coupon-remove = Remove coupon
member-line = Member: { $name }
fulfil-title = Fulfilment
fulfil-now = Take now
fulfil-deliver = Deliver
fulfil-collect = Collect
address-placeholder = Delivery address
collect-at = Collect at store { $store }, ready { $time }
collect-in = in { $hours } h
pay-title = Payment
pay-cash = Cash
pay-card = Card
pay-later = Pay later
pay-code = Payment code { $digits }
card-ref-placeholder = Card reference
counter-keys = Keys: F1 cash · F2 card · F3 pay later · F4 deliver/collect · F5 address · F7/F8 − + last line · F9 remove last line · F10 hand over · F12 place order · Esc new order
checkout = Place order
placing = Placing the order…
placed-title = Order placed
placed-receipt = Receipt { $receipt }
placed-total = Total { $total }
placed-ereceipt = Scan for your e-receipt
new-order = New order
added = Added: { $name } × { $qty }
added-package = Added: { $name }, { $price }
refused = Not added: { $reason }
member-attached = Member { $name } attached
## Magic Mirror (issue 16): recommendations for a member who consented, from this store's stock.
mirror-title = Picked for you
mirror-title-member = Picked for { $name }
mirror-shelf = Shelf { $shelf }
mirror-shelf-unknown = Shelf not listed
mirror-in-stock = { $stock } in stock
mirror-none = No recommendations for this member here yet.
mirror-no-consent = Member { $member } has not agreed to recommendations (their member code carries no consent): none is shown.
mirror-not-member-code = This is a { kind } code, not a member code.
mirror-not-shopper-code = This is not a member code (MB1:…).
coupon-applied = Coupon applied: { $discount } off
basket-loaded = Basket loaded: { $lines } lines
payment-scanned = Payment code scanned: it will be charged when you place the order
pickup-title = Pickup { $order }
pickup-known = Online order, received from the platform
pickup-from-code = Online order, from the pickup code (the platform list has not arrived yet)
pickup-confirm = Hand over
pickup-cancel = Cancel
pickup-done = Order { $order } handed over
kiosk-welcome = Welcome
kiosk-touch = Touch to start
kiosk-scan-hint = Scan your products under the camera
kiosk-checkout = Checkout
kiosk-deliver-hint = We deliver to your home. Enter your address:
kiosk-pay-hint = Scan your payment code to pay now, or pay when the goods reach you (delivery) or when you collect them (collect)
kiosk-done = Thank you! Your receipt number is { $receipt }
kiosk-help = Call assistance
kiosk-help-called = Help is on the way
kiosk-idle = Are you still there? Resetting in { $seconds } s
kiosk-continue = Continue
kiosk-exit = Staff
pin-title = Staff PIN
pin-enter = Enter
pin-wrong = Wrong PIN: { $left } attempts left
pin-locked = Locked for { $seconds } s after repeated failures
pin-cancel = Cancel
back = Back
next = Next
setup-title = Set up this terminal
setup-language = Language
setup-enrol = Enrol with the platform
setup-platform = Platform URL
setup-token = Enrolment token
setup-enrol-button = Enrol
setup-demo = Try the demo store
setup-enrolled = Enrolled: { $detail }
setup-camera = Camera test
setup-camera-choose = Camera:
setup-camera-hint = Hold a barcode in front of the camera
setup-last-read = Last read: { $text }
setup-connection = Connection test
setup-sync-now = Test connection and sync
setup-sync-ok = Connected: { $detail }
setup-sync-failed = Failed: { $error }
setup-diagnostics = Diagnostics
setup-run-doctor = Run checks
setup-finish = Finish

## Refusals: every typed error of the domain, the wire, the store and sync (src/i18n/refusals.rs).
kind = { $kind ->
    [member] member
    [pickup] pickup
    [coupon] coupon
   *[basket] basket
}
step = { $step ->
    [enrolment] enrolment
    [push] sending orders
    [pull] fetching updates
    [payment] the payment
    [claim] the claim of a single-use code
    [assist] the call for assistance
   *[time] the clock check
}
gtin-empty = Nothing was read.
gtin-not-digits = “{ $text }” is not a product barcode: it holds something other than digits.
gtin-bad-length = “{ $text }” has { $len } digits; a product barcode has 8, 12, 13 or 14.
gtin-bad-check-digit = “{ $text }” fails its check digit: it was mistyped or misread. Scan it again.
gtin-bad-upce = “{ $text }” is not a valid UPC-E code.
gtin-not-digital-link = “{ $text }” is a web address without a product number.
money-bad-currency = “{ $text }” is not a currency code (three letters such as CNY).
money-bad-amount = “{ $text }” is not an amount: write it like 12.50.
money-too-precise = “{ $text }” has more than { $digits } decimal places for { $currency }.
money-overflow = The amount is too large.
money-currency-mismatch = { $a } and { $b } cannot be added together.
coupon-not-yet-valid = This coupon is not valid yet.
coupon-expired = This coupon has expired.
coupon-wrong-store = This coupon is for other stores, not { $store }.
coupon-below-minimum = This coupon needs a spend of at least { $min }; the cart holds { $subtotal }.
coupon-already-redeemed = This coupon was already redeemed on this terminal.
coupon-already-applied = This coupon is already in the cart.
coupon-one-per-order = Only one coupon per order.
coupon-wrong-currency = This coupon is in { $coupon }, the cart in { $cart }.
coupon-invalid-value = This coupon's value is invalid.
cart-currency-mismatch = { $gtin } is priced in { $item }, but this cart is in { $cart }.
cart-quantity-out-of-range = Quantity { $qty } is out of range: 1 to { $max } per line.
cart-not-in-cart = { $gtin } is not in the cart.
cart-too-many-lines = The cart is full ({ $max } lines).
cart-bad-catalog-entry = Product { $gtin } cannot be sold until its catalog entry is fixed:
cart-package = { $gtin } is a weighed package: one line per package. Scan the next package to add it.
cart-line-gone = That line is no longer in the cart.
cart-by-weight = Product { $gtin } is sold by weight: scan the label its scale printed.
order-empty-cart = The cart is empty: scan at least one product.
order-missing-address = A delivery needs an address.
order-address-too-long = The address is longer than { $max } characters.
order-missing-collect-store = A collect order needs the store where it will be collected.
order-missing-pickup-time = A collect order needs a pickup time.
order-missing-card-reference = A card payment needs the card terminal's reference.
payment-unknown = “{ $text }” is not a payment: cash, card (with its reference), a payment code, or later.
payment-bad-card-reference = A card payment needs the card terminal's reference (1 to { $max } characters).
payment-bad-code = “{ $text }” is not a payment code.
payment-needs-platform = Payment by code needs an enrolled terminal that is online: take cash or card, or pay later.
payment-offline = Payment by code needs the platform online, and it cannot be reached now: take cash or card, or pay later.
payment-declined = The payment was declined: ask for another payment.
scan-nothing-read = Nothing was read.
scan-not-a-code = Not a product barcode, a shopper code or a payment code.
scan-not-in-catalog = Product { $gtin } is not in the catalog: check the code, or add the product to the catalog.
scan-coupon-withdrawn = Coupon { $coupon } was withdrawn by the platform.
scan-basket-item-missing = The basket holds product { $gtin }, which this store does not sell.
scan-already-collected = Order { $order } was already collected ({ $at }).
scan-basket-refused = Nothing from the basket was added: { $reason }
label-misread = The label “{ $text }” was misread (its check digit does not match): scan it again.
label-value-misread = The weight or price on the label “{ $text }” was misread (its check digit does not match): scan it again.
label-not-scale = “{ $text }” is not a scale label of this store.
label-zero = The label “{ $text }” weighs or costs nothing: print a new label.
label-gs1-unreadable = The data on the code “{ $text }” cannot be read: scan it again, or print a new label.
label-expired = Product { $gtin } expired on { $date }: it cannot be sold.
label-unknown-item = Scale item { $item } is not in the catalog: add it as product { $gtin }, priced per kg (unit kg).
label-not-by-weight = Product { $gtin } is sold by the piece: a label with only its weight cannot price it. To sell it by weight, give it the unit kg in the catalog.
label-price-currency = The price on the label is in another currency (ISO { $numeric }), not { $currency }.
label-price-precision = The price on the label has more decimals than the currency has.
code-malformed = Not a valid shopper code.
code-bad-signature = The code's signature does not match: it was altered or is forged.
code-unknown-key = The code was signed with a key this terminal does not know ({ $kid }): sync to fetch the platform's keys.
code-key-revoked = The code was signed with a key the platform has revoked ({ $kid }): it is not accepted. Ask the shopper for a new code.
code-issued-after-retirement = The code was issued on { $issued } with a key the platform retired on { $retired } ({ $kid }): a retired key signs nothing new, so this code is not genuine.
code-expired = This { kind } code expired at { $at }.
code-not-yet-valid = This { kind } code is not valid before { $from }.
code-wrong-store = This { kind } code is for store { $stores }, not this store ({ $here }).
code-already-redeemed = Coupon { $coupon } was already redeemed on this terminal.
code-already-collected = Order { $order } was already collected.
row-missing-column = The header has no “{ $column }” column (gtin, name and price are required).
row-duplicate-column = The header names column “{ $column }” twice.
row-field-count = The row has { $found } fields but the header has { $expected }.
row-price = Price “{ $text }”: { $reason }
row-negative-price = Price “{ $text }” is negative.
row-empty-name = The name is empty.
row-bad-flag = age_restricted “{ $text }” is not one of true, false, 1, 0, yes, no.
row-bad-stock = Stock “{ $text }” is not a whole number.
row-too-long = { $field } is { $found } characters long; at most { $max } are allowed.
import-unreadable-header = The header row cannot be read.
import-unreadable-row = The row cannot be read (broken quoting or not UTF-8).
import-duplicate-gtin = Product { $gtin } already appears on line { $line }.
import-no-rows = The file has a header but no product rows.
import-refused = The catalog import was refused; nothing was imported:
import-problem-line = line { $line }: { $problem }
import-more-problems = … and { $count } more problems
key-bad-pkcs8 = The private key is not an Ed25519 key.
key-bad-jwk = Platform key { $kid } is not a valid Ed25519 key.
key-duplicate-kid = The key set names key { $kid } twice with different keys.
key-random = The system's random number generator failed.
key-invalid = { $path } is not this terminal's private key: enrol the terminal again.
key-missing = No key file at { $path }: this terminal is not enrolled.
key-too-open = { $path } can be read by other users (mode { $mode }): make it readable by its owner only.
key-io = Cannot read or write { $path }.
store-corrupt = { $path } is not a readable smartstore database. It was left untouched: keep it for support and start from another data folder.
store-unreadable = Cannot open { $path }: check that the folder exists and this user may read and write it.
store-read-only = Cannot write to { $path }: check the file's permissions and that the disk is not read-only.
store-disk-full = The disk holding { $path } is full: nothing was stored. Free some space and try again.
store-read-only-filesystem = The disk holding { $path } is mounted read-only, so nothing can be stored. Orders already stored are safe. Have it remounted read-write; a disk that turned read-only by itself may be failing: check it.
store-damaged = The database { $path } is damaged (problems found: { $problems }), so nothing more is written to it: new orders are refused to keep the stored ones safe. Keep the file. A technician can copy every readable order into a new data folder (salvage).
orders-read-only = The database is opened read-only; the listing may be incomplete. Why:
store-newer-schema = { $path } was written by a newer smartstore (schema { $found }, this one knows { $known }). Install the newer version; the file was left untouched.
store-migration = Updating the database failed at step { $name }; nothing of it was kept.
store-busy = The database { $path } is busy (another smartstore holds it); try again.
store-sqlite = A database error on { $path }; try again, and call support if it persists.
store-inconsistent = Stored data is inconsistent; call support.
sync-not-enrolled = This terminal is not enrolled with a platform.
sync-already-enrolled = This terminal is already enrolled as device { $device }; to enrol it again, start from a new data folder.
sync-orders-before-enrolment = This database holds { $orders } orders from before enrolment (demo orders are never sent to the platform); enrol from a new data folder, or move { $path } aside.
sync-bad-url = “{ $url }” is not a platform address (http:// or https://).
sync-re-enrol = The platform does not accept this terminal any more: enrol it again with a new token.
sync-refused = The platform refused { step } (HTTP { $status }).
sync-unreachable = The platform cannot be reached ({ step }); orders are safe here and will be sent later.
sync-server-error = The platform had a problem with { step } (HTTP { $status }); will try again.
sync-platform-storage = The platform's database { $fault ->
        [full] is out of disk space
        [read-only] is read-only
        [busy] is busy
       *[unavailable] cannot be reached
    } ({ step }): nothing was stored there; orders are safe here and will be sent again.
sync-bad-answer = The platform's answer to { step } was not understood; will try again.
sync-stalled = The platform holds this terminal's events only up to { $held }; will send again.
sync-sequence-conflict = The platform already holds a different event number { $seq } from this terminal: its database was restored from a backup or copied from another terminal. New orders are kept here but not sent. A technician must recover this terminal with a new enrolment token for this store.
sync-event-refused = The platform refuses event { $seq } for its content; it is set aside (kept here) and the events after it are sent.
sync-clock-ahead = This terminal's clock is about { $minutes } minutes ahead of the platform's ({ $seconds } s), so the platform refuses its requests. Set the date and time (or turn on network time); orders are safe here and will be sent then.
sync-clock-behind = This terminal's clock is about { $minutes } minutes behind the platform's ({ $seconds } s), so the platform refuses its requests. Set the date and time (or turn on network time); orders are safe here and will be sent then.
sync-wrong-store = This enrolment token belongs to another store; nothing was changed. Ask for a token of this terminal's store.
sync-nothing-to-recover = This terminal is not enrolled, so there is nothing to recover: enrol it instead.
sync-token-expired = This enrolment token has expired: ask the platform for a new one.
sync-plain-http = { $url } is plain HTTP to another machine: anyone on the network could read and change it. Use the platform's https:// address.
sync-no-pin = No platform certificate is pinned for { $url }: use an enrolment token that carries the platform's fingerprint, or give the fingerprint the platform's operator gave you.
sync-untrusted = The platform's certificate is not the one this terminal pinned ({ step }): this may be someone between the terminal and the platform. Nothing was sent or accepted; orders are safe here. Tell the platform's operator.
sync-bad-fingerprint = “{ $text }” is not a certificate fingerprint (64 hexadecimal digits).
sync-fingerprint-mismatch = The fingerprint typed differs from the one the enrolment token carries; nothing was sent. Check both with the platform's operator.
sync-forged-keys = The platform's key list is not signed by the platform this terminal pinned: it was refused and the keys held are kept. Someone may be between the terminal and the platform; tell the platform's operator.
sync-not-tls = The platform's address answered without encryption ({ step }) where HTTPS was expected: someone may be between the terminal and the platform. Nothing was sent; orders are safe here. Tell the platform's operator.
sync-already-claimed = This code was already used at terminal { $terminal } of store { $store } ({ $at }); it cannot be used again. Nothing was stored.
payment-reference-conflict = The platform refused the payment because its reference was already used for another payment; nothing was charged. Try the payment again.
sync-store-not-writable = Nothing is sent from a database that cannot be written: see the message in the status bar.
sync-report = { $sent } events sent, { $catalog } catalog changes and { $pickups } pickups fetched
config-failed = Cannot read or write the configuration file { $path }.
thread-stopped = A background part of the terminal stopped: restart smartstore.
stored-text = { $text }

## The setup screen's diagnostics: one line per check and outcome (the command line prints the
## technician's details in English).
doctor-status = { $status ->
    [pass] OK
    [warn] Warning
    [skipped] Not checked
   *[fail] Problem
}
doctor-check = { $check ->
    [owner] Data owner
    [camera] Camera
    [database] Database
    [disk] Disk
    [unsynced] Unsynced
    [enrolment] Enrolment
    [key] Device key
    [clock] Clock
    [quarantine] Set aside
    [identity] Identity
    [pin] Staff PIN
    [conflicts] Double use
    [payments] Payments
   *[platform] Platform
}
doctor-summary = { $check ->
    [owner] { $status ->
        [pass] The terminal's own user owns its data.
       *[other] Another user owns the terminal's data: run the diagnostics as the terminal's user.
    }
    [camera] { $status ->
        [pass] The camera delivers frames and read the test card.
        [warn] The camera delivers frames but read no test-card code: hold the printed test card 20–40 cm in front of it, in good light.
       *[fail] The camera cannot be opened or gives no picture: check the cable and that no other program uses it.
    }
    [database] { $status ->
        [pass] The database is readable and sound.
       *[other] The database has a problem: it was left untouched; call support.
    }
    [disk] { $status ->
        [pass] There is enough free disk space.
       *[other] The disk is nearly full: free some space so that orders can be stored.
    }
    [unsynced] { $status ->
        [pass] Orders reach the platform as expected.
       *[other] Some orders have not reached the platform for a day: check the network.
    }
    [enrolment] { $status ->
        [pass] The terminal is enrolled with its platform.
       *[other] The terminal is not enrolled: enrol it on the Enrol page.
    }
    [key] { $status ->
        [pass] The device key is present and private.
       *[other] The device key is missing or unsafe: enrol the terminal again, or call support.
    }
    [clock] { $status ->
        [pass] The clock agrees with the platform.
        [warn] The clock drifts from the platform's: check the time service.
       *[fail] The clock is wrong by more than a minute: set the time, then test again.
    }
    [quarantine] { $status ->
        [pass] No event is set aside.
       *[other] Some events were refused by the platform for their content and are set aside here: call support.
    }
    [identity] { $status ->
        [pass] The platform has no other events under this terminal's numbers.
       *[other] This terminal's database was restored or copied: new orders are kept but not sent until a technician recovers it with a new enrolment token.
    }
    [pin] { $status ->
        [pass] The kiosk's staff PIN is set.
        [warn] The kiosk's staff PIN is the demo PIN or an old hash: a technician should set a new one.
       *[other] The kiosk has no usable staff PIN and does not start: a technician must set one.
    }
    [conflicts] { $status ->
        [pass] The platform flagged no double use for this store.
       *[other] The platform flagged a coupon or pickup used twice, or a receipt issued twice, at this store: the platform's operator has the list.
    }
    [payments] { $status ->
        [pass] No payment or refund by code waits for the platform.
        [warn] Payments or refunds by code wait for the platform: they are settled at the next sync.
       *[other] The platform refused a refund to a payment code: pay that shopper back in cash and call support.
    }
   *[platform] { $status ->
        [pass] The platform accepts this terminal.
       *[other] The platform cannot be reached or refuses this terminal: check the network and the enrolment.
    }
}
camera-demo-frames = Demo frames
camera-failed-retrying = The camera stopped or cannot be opened; trying again. Check the cable, or choose a camera in setup.
doctor-skipped = Not checked: the terminal is not enrolled yet, or a check above must be put right first.

# Money: one checkout owns a sale (issue 14)
payment-answer-lost = The platform's answer to the payment was lost. Press the button again to ask once more: the shopper is never charged twice. Or void the sale.
payment-voided = This payment was cancelled and given back to the shopper: take the payment again.
payment-unknown-reference = No payment with this reference reached the platform.
payments-unreconciled = { $count } earlier payment(s) by code are not settled with the platform yet, and it cannot be reached: take cash or card, or try again when online.
checkout-closed = This sale is already finished; start a new one.
checkout-cart-locked = Payment has begun: the cart cannot change now. Void the sale to change it.
checkout-nothing-due = Nothing is left to pay.
checkout-over-tender = { $amount } by { $method } is more than the { $due } left to pay; only cash gives change.
checkout-zero-amount = An amount must be more than zero.
checkout-later-mixed = "Pay later" covers the whole sale and cannot be mixed with other payments.
checkout-pay-now = A sale the shopper carries out now is paid now: take cash, a card or a payment code.
checkout-age-check = This sale holds age-restricted products (alcohol, tobacco): a member of staff checks the shopper's age first.
checkout-too-many-tenders = At most { $max } payments per sale.
checkout-unknown-tender = This sale has no payment { $reference }.
checkout-tender-pending = Payment { $reference } is waiting for the platform's answer: press the button again.
checkout-not-paid = { $due } is still to pay.
checkout-needs-approval = This needs a supervisor's approval.
sale-not-committed = The order could not be stored, so nothing was sold.
sale-payment-given-back = The payment by code was given back to the shopper.
sale-payment-give-back-later = The payment by code will be given back to the shopper as soon as the platform can be reached.

# Returns, voids and staff approval (issue 14)
return-not-a-receipt = This is not a receipt: scan the QR code printed on the receipt, or type its number.
return-unknown-terminal = This receipt comes from a terminal this one does not know yet: sync, then scan it again.
return-forged-receipt = This receipt's code was altered or forged: nothing can be taken back against it.
return-not-found = Receipt { $receipt } is not one of this terminal's: scan its QR code instead (another terminal's receipt is read from it).
return-other-store = This receipt is from store { $store }: goods go back to the store that sold them.
return-no-lines = Choose at least one line to take back.
return-not-on-receipt = Product { $gtin } is not on this receipt.
return-more-than-bought = Product { $gtin } was bought { $bought } time(s) and { $returned } already came back: { $asked } more cannot be taken back.
return-tender-not-used = The sale was not paid by { $method }: refund to the original payment, or in cash.
return-nothing-paid = This sale is paid on delivery or collection: there is nothing to refund.
void-after-shift = Receipt { $receipt } is not from today's sales on this terminal, so it can no longer be voided: take a return instead.
staff-unknown = There is no member of staff { $id } at this store. Sync to bring the staff list, or check the number.
staff-inactive = { $id } is no longer active at this store.
staff-wrong-pin = Wrong PIN: { $left } attempt(s) left before a lockout.
staff-locked = Locked after wrong PINs: try again in { $seconds } seconds.
staff-not-supervisor = { $id } is a clerk: a supervisor must approve this.

# Counter: voids, returns, approvals (issue 14)
void-sale = Void sale
void-placed = Void this sale
sale-voided = The sale was voided; what it took was given back.
approve = Approve
approve-cancel = Cancel
approve-help = A supervisor types their staff number and PIN.
approve-void-sale = Void the sale in progress
approve-void-placed = Void the sale just placed
approve-return = Approve the return
staff-id-placeholder = Staff number
staff-pin-placeholder = PIN
returns-open = Returns
returns-title = Returns and refunds
returns-help = Scan the receipt's QR code, or type its number.
receipt-placeholder = Receipt number or QR code
returns-find = Find
returns-sale = Receipt { $receipt }, total { $total }
returns-line = bought { $bought }, { $left } may come back, { $price } each
refund-title = Refund to
refund-original = The original payment
refund-cash = Cash
returns-take = Take back and refund
returns-close = Close
return-done = Goods taken back on receipt { $receipt }: { $total } refunded.
void-done = Receipt { $receipt } voided: { $total } refunded.
refund-line-cash = { $amount } in cash: give it from the drawer.
refund-line-card = { $amount } to the card: refund it on the card terminal.
refund-line-code = { $amount } refunded to the payment code.
refund-line-code-owed = { $amount } to the payment code, as soon as the platform can be reached.
refund-line-code-refused = { $amount } could not be refunded to the payment code: refund it in cash.
approve-summary = { $items }, total { $total }
returns-damaged = damaged

# Shifts (issue 15)
shift-already-open = A shift is open already (since { $since }): close it first.
shift-none-open = No shift is open: open one with its float first.
shift-bad-denomination = { $value } is not a denomination.
shift-out-of-range = { $amount } is out of range for a drawer.
shift-no-reason = Cash put in or taken out needs a reason.
shift-zero-move = Cash put in or taken out must be more than zero.
shift-open-title = Open the shift
shift-open-help = Count the cash in the drawer and type it: the float the day starts with.
shift-float-placeholder = Float, e.g. 200.00
shift-open = Open shift
shift-opened = Shift opened with a float of { $float }.
shift-desk-open = Shift
shift-desk-back = Back
shift-desk-done = Done
shift-loading = Reading the shift…
shift-x-title = Shift so far (X report)
shift-z-title = Shift closed (Z report)
shift-cash-title = Cash in or out of the drawer
shift-cash-in = Put in
shift-cash-out = Take out
shift-amount-placeholder = Amount
shift-reason-placeholder = Reason, e.g. to the bank
shift-cash-record = Record
shift-cash-moved = Cash movement recorded.
shift-close = Close shift…
shift-count-title = Count the drawer
shift-count-help = Count every note and coin in the drawer and type the total. What the shift expects is shown after you confirm.
shift-counted-placeholder = Counted, e.g. 1234.50
shift-close-confirm = Close the shift
shift-r-sales = Sales
shift-r-count-amount = { $count } · { $amount }
shift-r-discounts = Discounts
shift-r-returns = Returns
shift-r-voids = Voids
shift-r-cash = Cash (net)
shift-r-card = Card (net)
shift-r-code = Payment codes (net)
shift-r-later = Paid later
shift-r-tax = Tax included ({ $rate } %)
shift-r-float = Float
shift-r-cash-in = Cash put in
shift-r-cash-out = Cash taken out
shift-r-expected = Expected in the drawer
shift-r-counted = Counted
shift-r-over-short = Over (+) / short (−)
shift-r-staff = Sales by { $staff }
shift-r-staff-unknown = (no clerk)
customer-window = Customer display
customer-welcome = Welcome
customer-store = Store { $store }
customer-idle-hint = Show your member code to collect points.
customer-title = Your items
customer-total = Total { $total }
customer-discount = You save { $amount }
customer-due = Still to pay { $amount }
customer-thanks = Thank you!
customer-change = Your change: { $change }
customer-ereceipt = Scan for your e-receipt
receipt-title = Receipt
receipt-store = Store { $store } · terminal { $terminal }
receipt-number = Receipt
receipt-time = Date
receipt-clerk = Clerk
receipt-subtotal = Subtotal
receipt-discount = Discount
receipt-total = Total
receipt-cash = Cash
receipt-card = Card
receipt-code = Payment code
receipt-later = To pay later
receipt-change = Change
receipt-fulfil-now = Taken at the counter.
receipt-fulfil-deliver = To be delivered.
receipt-fulfil-collect = To be collected at the store.
receipt-scan = Scan for your e-receipt (returns too)
receipt-thanks = Thank you, see you again!
receipt-not-found = No sale { $receipt } on this terminal: check the receipt number.
receipt-printed = Receipt printed.
print-no-printer = No receipt printer is set up: a technician sets one in the terminal's settings.
print-config = The printer settings are wrong ({ $detail }): ask a technician.
print-unreachable = The printer at { $addr } cannot be reached ({ $reason }): check its cable and power. The sale is stored.
print-offline = The printer is offline: check it, then print the receipt again. The sale is stored.
print-paper-out = The printer is out of paper: put in a new roll, then print the receipt again. The sale is stored.
print-cover-open = The printer's cover is open: close it, then print the receipt again. The sale is stored.
print-io = Printing failed ({ $detail }). The sale is stored.
print-bad-address = "{ $addr }" is not a printer address: ask a technician.
print-page = The receipt cannot be laid out ({ $detail }).
kiosk-age-title = A member of staff checks your age
kiosk-age-help = Alcohol and tobacco are sold only to adults. Press "Ask the counter": a member of staff checks your ID and approves, at the counter or here with their PIN.
kiosk-age-staff = Staff: confirm the age
kiosk-age-confirmed = Age checked by staff: you can pay now.
counter-age-checked = Age checked: the shopper showed an ID (18 or older)
kiosk-more-time = More time
kiosk-large-text = A+ Larger text
kiosk-contrast = High contrast
kiosk-speech = Read aloud
kiosk-say-idle = Are you still there? Touch the screen, or ask for more time.
kiosk-choose-deliver = Deliver to me
kiosk-choose-collect = Collect here later
kiosk-key-space = Space
kiosk-key-delete = Delete
kiosk-help-answered = A clerk from counter { $counter } is coming
assist-call = Kiosk { $kiosk } asks for assistance
assist-coming = I'm coming
assist-failed = The call for assistance could not be sent ({ $detail }): look for a clerk nearby.
kiosk-age-ask = Ask the counter
kiosk-age-asked = The counter has been asked: a member of staff will check your ID.
assist-age-call = Kiosk { $kiosk } asks for an age check
assist-age-approve = Approve with my PIN
assist-age-staff = Staff ID
assist-age-pin = PIN
assist-age-send = Approve the age
age-approval-not-enrolled = This counter is not enrolled with the platform, so the kiosk cannot check an approval from it: go to the kiosk and confirm there with the staff PIN.
age-approval-not-this-call = An approval came back that is not for this kiosk's age check: ask the counter again.
age-approval-unknown-device = Terminal { $device } is not one of this store's terminals known here: sync this kiosk, or confirm here with the staff PIN.
age-approval-forged = An approval that is not genuine was refused: a member of staff must confirm here with their PIN.

## Online orders filled here (issue 16)
online-status-routed = new
online-status-accepted = accepted
online-status-picked = picked
online-status-packed = packed
online-status-shipped = shipped
online-status-ready-for-pickup = ready for pickup
online-status-collected = collected
online-status-rejected = given back
online-status-unfillable = no store can fill it
pick-not-in-order = { $gtin } is not in this order: put it back on its shelf.
pick-extra = All { $qty } of { $gtin } are already picked: this one is extra, put it back.
pick-not-a-product = "{ $text }" is not a product code: scan the item's barcode.
fulfil-unknown-order = There is no online order { $order } at this store: sync, then look at the queue again.
fulfil-wrong-status = Online order { $order } is { $status }: it cannot be { $wanted } now.
fulfil-not-picked = Online order { $order } is not fully picked: { $missing } item(s) still to pick.
fulfil-wrong-label = This label ({ $scanned }) is not this order's parcel ({ $expected }): scan the label on the parcel you are handing over.
fulfil-bad-reason = Say why the order is given back (at most { $max } characters).
fulfil-database = The database refused this step: { $detail }
label-marketplace-order = { $marketplace } order { $id } (part { $part } of { $parts })
label-deliver-to = Deliver to: { $address }
label-collect-at = Collect at store { $store }
label-from-store = From store { $store }
fulfil-open = Online orders
online-desk-title = Online orders to fill here
fulfil-loading = Loading the queue…
fulfil-empty = No online orders to fill. New ones come with the next sync.
fulfil-items = { $n } item(s)
online-desk-deliver = Deliver to { $address }
fulfil-pickup = Collect here (store { $store })
fulfil-back = Back
fulfil-refresh = Refresh
fulfil-order-head = Order { $order } · { $status }
fulfil-col-shelf = Shelf
fulfil-col-item = Item
fulfil-col-picked = Picked
fulfil-hint-pick = Scan each item as you take it off the shelf.
fulfil-hint-pack = Everything is picked: pack it and print the label.
fulfil-hint-ship = Packed: scan the parcel's label when the courier takes it.
fulfil-hint-collect = Ready for pickup: scan the parcel's label when the shopper collects it.
fulfil-pack = Pack and print the label
fulfil-reprint = Print the label again
fulfil-reject = Give back
fulfil-reject-confirm = Give the order back
fulfil-reason-placeholder = Why this store cannot fill it
fulfil-open-an-order = Open an order first, then scan its items.
fulfil-picked = Picked.
fulfil-label-printed = Packed: the label is printed.
fulfil-label-saved = Packed: the label is saved as { $path }.
fulfil-label-not-saved = Packed, but the label could not be saved as { $path }: { $detail }
fulfil-shipped = Handed to the courier: shipped.
fulfil-collected = Handed to the shopper: collected.
fulfil-rejected = Given back to the platform: it goes to another store.
cart-stock-left = { $n } left on the shelf after this sale
