// Lifeline console: the coordinator and content pages, for admins:
// incidents, broadcasts, FAQ, contacts and agents. Every control calls the
// documented admin API and shows a refusal in the API's own words.
"use strict";

Object.assign(I18N.en, {
  "nav.incidents": "Incidents", "cancel": "Cancel", "file": "File", "yes": "yes", "no": "no", "actions": "Actions",
  "saving": "Working…", "confirm": "Really {0}?",
  "aud.regions": "Regions (comma separated)", "aud.tags": "Tags (comma separated)", "aud.languages": "Languages (comma separated)",
  "aud.all": "Every contact",
  "kind.flood": "flood", "kind.fire": "fire", "kind.outage": "outage", "kind.outbreak": "outbreak", "kind.recall": "recall",
  "kind.data_breach": "data breach", "kind.other": "other",
  "inc.title": "Incidents", "inc.new": "Open an incident", "inc.name": "Name", "inc.kind": "Kind", "inc.notes": "Notes",
  "inc.drill": "Drill (an exercise)", "inc.openBtn": "Open incident", "inc.opened": "Opened {0}.",
  "inc.sms": "SMS fallback for the incident's broadcasts (optional)", "inc.smsEn": "SMS text, English", "inc.smsAr": "SMS text, Arabic",
  "inc.smsAfter": "Critical broadcasts: also by SMS when not delivered within (minutes, empty for no)",
  "inc.summary": "Open: {0} · closed: {1} · drills open: {2} · drills closed: {3}",
  "inc.timelineNote": "Refreshed every 15 seconds and on live updates.", "inc.timelineOf": "Timeline: {0}",
  "inc.notDerivable": "Not in the records: {0}",
  "inc.col.name": "Incident", "inc.col.kind": "Kind", "inc.col.state": "State", "inc.col.opened": "Opened", "inc.col.closed": "Closed",
  "inc.timeline": "Timeline", "inc.report": "Printable report", "inc.close": "Close", "inc.drillBadge": "DRILL",
  "state.open": "open", "state.closed": "closed",
  "tl.at": "Time", "tl.kind": "What", "tl.actor": "Who", "tl.subject": "Subject", "tl.detail": "Detail",
  "bc.title": "Broadcasts", "bc.new": "New broadcast", "bc.name": "Name", "bc.kind": "Kind", "bc.kindNotice": "notice",
  "bc.kindCheckin": "check-in (safe / need help)", "bc.kindCheckinShort": "check-in", "bc.incident": "Incident", "bc.noIncident": "(no incident)",
  "bc.templates": "Template per contact language", "bc.audience": "Audience",
  "bc.start": "Start at (empty: now)", "bc.drill": "Drill: the template says it is an exercise",
  "bc.critical": "Critical: also reach people who never opted in", "bc.reason": "Reason (recorded in the audit log)",
  "bc.preview": "Preview", "bc.send": "Send", "bc.previewFirst": "Preview first: Send stays off until the preview shows what this form will send.",
  "bc.previewAgain": "The form changed since the preview: preview again.",
  "bc.targets": "Targets: delivered to at least 95%, first answers within 5 minutes (median), at least 30% engaged.",
  "bc.chart": "Check-in answers", "bc.created": "Created {0}: {1}.", "bc.pendingApproval": "waiting for a second admin's approval",
  "tpl.contactLang": "Contact language", "tpl.templateName": "Approved template name", "tpl.templateLang": "Template language code",
  "tpl.params": "Body parameters, one a line", "tpl.remove": "Remove",
  "pv.targeted": "{0} people targeted", "pv.excluded": "Left out: {0}", "pv.lang": "{0} ({1}): {2} recipients",
  "pv.contactLangs": "contact languages: {0}", "pv.missing": "missing variables: {0}", "pv.payload": "Message sent to a sample contact",
  "pv.warnings": "Warnings",
  "col.name": "Name", "col.kind": "Kind", "col.state": "State", "col.created": "Created", "col.start": "Starts",
  "col.targeted": "Targeted", "col.sent": "Sent", "col.delivered": "Delivered", "col.read": "Read", "col.failed": "Failed",
  "col.replied": "Replied", "col.safe": "Safe", "col.needHelp": "Need help", "col.noResponse": "Unanswered",
  "col.unaccounted": "Unaccounted", "col.deliveryRate": "Delivery", "col.response": "Response (median)", "col.engagement": "Engagement",
  "bcs.pending_approval": "pending approval", "bcs.scheduled": "scheduled", "bcs.sending": "sending", "bcs.paused": "paused",
  "bcs.waiting_limit": "waiting for the daily limit", "bcs.sent": "sent", "bcs.completed": "completed", "bcs.cancelled": "cancelled",
  "bc.pause": "Pause", "bc.resume": "Resume", "bc.cancel": "Cancel", "bc.approve": "Approve", "bc.reject": "Reject",
  "bc.needHelpList": "Who needs help", "bc.csv": "Recipients CSV", "bc.helpOf": "People who need help: {0}",
  "bc.nobodyNeedsHelp": "Nobody has answered that they need help.", "bc.openConv": "Open conversation",
  "bc.location": "Location", "bc.description": "What they wrote", "bc.answered": "Answered", "bc.number": "Number",
  "bc.drillBadge": "DRILL", "bc.criticalBadge": "CRITICAL", "target.met": "meets the target", "target.missed": "below the target",
  "legend.safe": "safe", "legend.help": "need help", "legend.none": "no answer yet",
  "faq.title": "FAQ", "faq.entries": "Entries", "faq.filter": "Search the entries", "faq.newEntry": "New entry", "faq.export": "Export CSV",
  "faq.live": "Live version {0} · {1} entries", "faq.id": "Id", "faq.category": "Category", "faq.addLang": "Add a language",
  "faq.save": "Save", "faq.delete": "Delete", "faq.edit": "Edit", "faq.editTitle": "Edit {0}", "faq.newTitle": "New entry",
  "faq.lang": "Language", "faq.question": "Question", "faq.answer": "Answer", "faq.alts": "Other wordings, one a line",
  "faq.languages": "Languages", "faq.saved": "Saved {0} (version {1}).", "faq.deleted": "Deleted {0}.",
  "faq.import": "Import", "faq.replace": "replace the FAQ", "faq.merge": "merge into the FAQ", "faq.mode": "Import mode",
  "faq.importing": "Importing…", "faq.imported": "Imported: {0}", "faq.badFile": "Choose a .csv, .tsv, .json or .md file.",
  "faq.rowError": "row {0}: {1}", "faq.search": "Search preview", "faq.q": "Ask as a user would", "faq.anyLang": "any language",
  "faq.searchBtn": "Search", "faq.decision": "Decision: {0}", "faq.unanswered": "Unanswered questions", "faq.refresh": "Refresh",
  "faq.createEntry": "Create entry", "faq.addAlt": "Add as alternate question", "faq.pickEntry": "to entry…",
  "faq.altAdded": "Added to {0}.", "faq.versions": "Versions", "faq.version": "Version", "faq.source": "Source", "faq.count": "Entries",
  "faq.diff": "Diff", "faq.rollback": "Roll back to this", "faq.liveBadge": "live", "faq.rolledBack": "Rolled back: version {0} is live.",
  "faq.added": "Added", "faq.removed": "Removed", "faq.changed": "Changed", "faq.diffOf": "Version {0} against {1}",
  "faq.score": "Score", "faq.examples": "Wordings", "faq.last": "Last asked", "faq.times": "Times",
  "contacts.title": "Contacts", "ct.q": "Number or name", "ct.tag": "tag", "ct.lang": "language", "ct.region": "region",
  "ct.consent": "Consent", "ct.anyConsent": "any consent", "ct.optedIn": "opted in", "ct.notOptedIn": "not opted in",
  "ct.optedOut": "opted out", "ct.prev": "Previous", "ct.next": "Next", "ct.page": "Page {0}",
  "ct.import": "Import contacts (CSV)",
  "ct.importHint": "Columns: phone, name, language, region, tags, opted_in and any others as fields. A bad row refuses the whole file: fix the rows listed and send it again.",
  "ct.imported": "Imported {0} rows: {1} new, {2} updated.", "ct.rowError": "row {0}", "ct.column": "column {0}",
  "ct.number": "Number", "ct.name": "Name", "ct.language": "Language", "ct.regionCol": "Region", "ct.tags": "Tags",
  "ct.consentCol": "Consent", "ct.source": "Source", "ct.added": "Added", "ct.export": "Export",
  "ct.exportAll": "Export these contacts (CSV)",
  "agents.title": "Agents", "agents.new": "New account", "agents.id": "login name", "agents.name": "full name",
  "agents.password": "password (10+ characters)", "agents.create": "Create", "agents.role": "Role", "agents.created": "Created {0} ({1}).",
  "agents.state": "State", "agents.active": "active", "agents.disabled": "disabled", "agents.lastLogin": "Last login",
  "agents.disable": "Disable", "agents.enable": "Enable", "agents.reset": "Reset password", "agents.newPassword": "new password",
  "agents.setPassword": "Set password", "agents.endSessions": "End sessions", "agents.passwordSet": "New password set for {0}; their sessions ended.",
  "agents.sessionsEnded": "{0}: {1} sessions ended.", "agents.changed": "{0} is now {1}.",
  "cs.log": "Consent log", "cs.record": "Record consent given or withdrawn outside Lifeline", "cs.channel": "Channel",
  "cs.what": "Consent", "cs.given": "given (opt in)", "cs.withdrawn": "withdrawn (opt out)",
  "cs.wording": "How (a signed form, a call on a date…)", "cs.save": "Record", "cs.open": "Consent",
  "cs.of": "Consent of {0}", "cs.state": "WhatsApp: {0} · SMS: {1}", "cs.recorded": "Recorded.", "cs.unchanged": "Recorded; the state did not change.",
  "cs.col.at": "When", "cs.col.channel": "Channel", "cs.col.opt": "Consent", "cs.col.source": "Source", "cs.col.wording": "Wording", "cs.col.by": "By",
  "cs.in": "opt in", "cs.out": "opt out", "cs.smsStopped": "stopped (STOP)", "cs.smsOk": "no STOP",
  "hm.label": "Header", "hm.none": "none (text only)", "hm.image": "image", "hm.video": "video", "hm.document": "document", "hm.location": "location",
  "hm.file": "Header file", "hm.uploading": "Uploading…", "hm.uploaded": "Uploaded {0} ({1}, {2} KB)",
  "hm.lat": "Header latitude", "hm.lon": "Header longitude", "hm.place": "Place name", "hm.address": "Address",
  "hm.needFile": "{0}: upload the header's file first.", "pv.header": "Header: {0}",
  "bc.previewOf": "Preview: {0}", "ct.unreachable": "unreachable on WhatsApp ({0})", "ct.clearUnreachable": "Reachable again",
  "nothing": "Nothing yet.", "admin.notAvailable": "{0} is not available on this server.", "admin.failed": "{0} could not be loaded: {1}",
});
Object.assign(I18N.ar, {
  "nav.incidents": "الحوادث", "cancel": "إلغاء", "file": "ملف", "yes": "نعم", "no": "لا", "actions": "إجراءات",
  "saving": "جارٍ التنفيذ…", "confirm": "تأكيد: {0}؟",
  "aud.regions": "المناطق (مفصولة بفواصل)", "aud.tags": "الوسوم (مفصولة بفواصل)", "aud.languages": "اللغات (مفصولة بفواصل)",
  "aud.all": "كل جهات الاتصال",
  "kind.flood": "فيضان", "kind.fire": "حريق", "kind.outage": "انقطاع", "kind.outbreak": "تفشٍّ", "kind.recall": "سحب منتج",
  "kind.data_breach": "تسريب بيانات", "kind.other": "أخرى",
  "inc.title": "الحوادث", "inc.new": "فتح حادثة", "inc.name": "الاسم", "inc.kind": "النوع", "inc.notes": "ملاحظات",
  "inc.drill": "تمرين", "inc.openBtn": "فتح الحادثة", "inc.opened": "فُتحت {0}.",
  "inc.sms": "رسائل SMS البديلة لبثّ الحادثة (اختياري)", "inc.smsEn": "نص SMS بالإنجليزية", "inc.smsAr": "نص SMS بالعربية",
  "inc.smsAfter": "البث الحرج: أرسل SMS أيضاً إن لم تُسلَّم رسالة واتساب خلال (دقائق، فارغ لعدم الإرسال)",
  "inc.summary": "مفتوحة: {0} · مغلقة: {1} · تمارين مفتوحة: {2} · تمارين مغلقة: {3}",
  "inc.timelineNote": "يُحدَّث كل 15 ثانية ومع التحديثات المباشرة.", "inc.timelineOf": "التسلسل الزمني: {0}",
  "inc.notDerivable": "غير موجود في السجلات: {0}",
  "inc.col.name": "الحادثة", "inc.col.kind": "النوع", "inc.col.state": "الحالة", "inc.col.opened": "فُتحت", "inc.col.closed": "أُغلقت",
  "inc.timeline": "التسلسل الزمني", "inc.report": "تقرير للطباعة", "inc.close": "إغلاق", "inc.drillBadge": "تمرين",
  "state.open": "مفتوحة", "state.closed": "مغلقة",
  "tl.at": "الوقت", "tl.kind": "الحدث", "tl.actor": "من", "tl.subject": "الموضوع", "tl.detail": "التفاصيل",
  "bc.title": "الرسائل الجماعية", "bc.new": "رسالة جماعية جديدة", "bc.name": "الاسم", "bc.kind": "النوع", "bc.kindNotice": "إشعار",
  "bc.kindCheckin": "اطمئنان (بأمان / أحتاج مساعدة)", "bc.kindCheckinShort": "اطمئنان", "bc.incident": "الحادثة", "bc.noIncident": "(بلا حادثة)",
  "bc.templates": "قالب لكل لغة", "bc.audience": "الجمهور",
  "bc.start": "وقت البدء (فارغ: الآن)", "bc.drill": "تمرين: يذكر القالب أنه تمرين",
  "bc.critical": "حرجة: تصل أيضاً إلى من لم يشترك", "bc.reason": "السبب (يُسجَّل في سجل التدقيق)",
  "bc.preview": "معاينة", "bc.send": "إرسال", "bc.previewFirst": "عاين أولاً: يبقى الإرسال معطلاً حتى تُظهر المعاينة ما سيُرسل.",
  "bc.previewAgain": "تغيّر النموذج بعد المعاينة: عاين مرة أخرى.",
  "bc.targets": "الأهداف: وصول إلى 95% على الأقل، أول الإجابات خلال 5 دقائق (الوسيط)، تفاعل 30% على الأقل.",
  "bc.chart": "إجابات الاطمئنان", "bc.created": "أُنشئت {0}: {1}.", "bc.pendingApproval": "بانتظار موافقة مشرف ثانٍ",
  "tpl.contactLang": "لغة جهة الاتصال", "tpl.templateName": "اسم القالب المعتمد", "tpl.templateLang": "رمز لغة القالب",
  "tpl.params": "متغيرات النص، واحد في كل سطر", "tpl.remove": "حذف",
  "pv.targeted": "{0} مستهدفون", "pv.excluded": "مستبعدون: {0}", "pv.lang": "{0} ({1}): {2} مستلمين",
  "pv.contactLangs": "لغات جهات الاتصال: {0}", "pv.missing": "متغيرات ناقصة: {0}", "pv.payload": "الرسالة إلى جهة اتصال نموذجية",
  "pv.warnings": "تحذيرات",
  "col.name": "الاسم", "col.kind": "النوع", "col.state": "الحالة", "col.created": "أُنشئت", "col.start": "تبدأ",
  "col.targeted": "مستهدفون", "col.sent": "أُرسلت", "col.delivered": "وصلت", "col.read": "قُرئت", "col.failed": "فشلت",
  "col.replied": "ردّوا", "col.safe": "بأمان", "col.needHelp": "يحتاجون مساعدة", "col.noResponse": "بلا إجابة",
  "col.unaccounted": "غير معروف مصيرهم", "col.deliveryRate": "الوصول", "col.response": "الاستجابة (الوسيط)", "col.engagement": "التفاعل",
  "bcs.pending_approval": "بانتظار الموافقة", "bcs.scheduled": "مجدولة", "bcs.sending": "تُرسل", "bcs.paused": "متوقفة مؤقتاً",
  "bcs.waiting_limit": "بانتظار الحد اليومي", "bcs.sent": "أُرسلت", "bcs.completed": "اكتملت", "bcs.cancelled": "أُلغيت",
  "bc.pause": "إيقاف مؤقت", "bc.resume": "استئناف", "bc.cancel": "إلغاء", "bc.approve": "موافقة", "bc.reject": "رفض",
  "bc.needHelpList": "من يحتاج مساعدة", "bc.csv": "ملف المستلمين CSV", "bc.helpOf": "من يحتاجون مساعدة: {0}",
  "bc.nobodyNeedsHelp": "لم يُجب أحد بأنه يحتاج مساعدة.", "bc.openConv": "فتح المحادثة",
  "bc.location": "الموقع", "bc.description": "ما كتبوه", "bc.answered": "وقت الإجابة", "bc.number": "الرقم",
  "bc.drillBadge": "تمرين", "bc.criticalBadge": "حرجة", "target.met": "يحقق الهدف", "target.missed": "دون الهدف",
  "legend.safe": "بأمان", "legend.help": "يحتاج مساعدة", "legend.none": "لم يُجب بعد",
  "faq.title": "الأسئلة الشائعة", "faq.entries": "المداخل", "faq.filter": "ابحث في المداخل", "faq.newEntry": "مدخل جديد", "faq.export": "تصدير CSV",
  "faq.live": "النسخة الحالية {0} · {1} مدخل", "faq.id": "المعرّف", "faq.category": "التصنيف", "faq.addLang": "إضافة لغة",
  "faq.save": "حفظ", "faq.delete": "حذف", "faq.edit": "تعديل", "faq.editTitle": "تعديل {0}", "faq.newTitle": "مدخل جديد",
  "faq.lang": "اللغة", "faq.question": "السؤال", "faq.answer": "الجواب", "faq.alts": "صيغ أخرى، واحدة في كل سطر",
  "faq.languages": "اللغات", "faq.saved": "حُفظ {0} (النسخة {1}).", "faq.deleted": "حُذف {0}.",
  "faq.import": "استيراد", "faq.replace": "استبدال الأسئلة الشائعة", "faq.merge": "دمج في الأسئلة الشائعة", "faq.mode": "طريقة الاستيراد",
  "faq.importing": "جارٍ الاستيراد…", "faq.imported": "تم الاستيراد: {0}", "faq.badFile": "اختر ملف .csv أو .tsv أو .json أو .md.",
  "faq.rowError": "الصف {0}: {1}", "faq.search": "معاينة البحث", "faq.q": "اسأل كما يسأل المستخدم", "faq.anyLang": "أي لغة",
  "faq.searchBtn": "بحث", "faq.decision": "القرار: {0}", "faq.unanswered": "أسئلة بلا جواب", "faq.refresh": "تحديث",
  "faq.createEntry": "إنشاء مدخل", "faq.addAlt": "إضافة كصيغة أخرى", "faq.pickEntry": "إلى المدخل…",
  "faq.altAdded": "أُضيفت إلى {0}.", "faq.versions": "النسخ", "faq.version": "النسخة", "faq.source": "المصدر", "faq.count": "المداخل",
  "faq.diff": "الفروق", "faq.rollback": "الرجوع إلى هذه", "faq.liveBadge": "الحالية", "faq.rolledBack": "تم الرجوع: النسخة {0} هي الحالية.",
  "faq.added": "أُضيف", "faq.removed": "حُذف", "faq.changed": "تغيّر", "faq.diffOf": "النسخة {0} مقارنة بـ{1}",
  "faq.score": "الدرجة", "faq.examples": "الصيغ", "faq.last": "آخر سؤال", "faq.times": "المرات",
  "contacts.title": "جهات الاتصال", "ct.q": "الرقم أو الاسم", "ct.tag": "وسم", "ct.lang": "اللغة", "ct.region": "المنطقة",
  "ct.consent": "الموافقة", "ct.anyConsent": "أي موافقة", "ct.optedIn": "مشترك", "ct.notOptedIn": "غير مشترك",
  "ct.optedOut": "ألغى الاشتراك", "ct.prev": "السابق", "ct.next": "التالي", "ct.page": "الصفحة {0}",
  "ct.import": "استيراد جهات الاتصال (CSV)",
  "ct.importHint": "الأعمدة: phone وname وlanguage وregion وtags وopted_in وأي أعمدة أخرى كحقول. صف خاطئ يرفض الملف كله: صحّح الصفوف المذكورة وأرسله مجدداً.",
  "ct.imported": "استُورد {0} صفاً: {1} جديدة، {2} محدّثة.", "ct.rowError": "الصف {0}", "ct.column": "العمود {0}",
  "ct.number": "الرقم", "ct.name": "الاسم", "ct.language": "اللغة", "ct.regionCol": "المنطقة", "ct.tags": "الوسوم",
  "ct.consentCol": "الموافقة", "ct.source": "المصدر", "ct.added": "أُضيف", "ct.export": "تصدير",
  "ct.exportAll": "تصدير جهات الاتصال هذه (CSV)",
  "agents.title": "الموظفون", "agents.new": "حساب جديد", "agents.id": "اسم الدخول", "agents.name": "الاسم الكامل",
  "agents.password": "كلمة المرور (10 أحرف أو أكثر)", "agents.create": "إنشاء", "agents.role": "الدور", "agents.created": "أُنشئ {0} ({1}).",
  "agents.state": "الحالة", "agents.active": "نشط", "agents.disabled": "معطّل", "agents.lastLogin": "آخر دخول",
  "agents.disable": "تعطيل", "agents.enable": "تفعيل", "agents.reset": "إعادة تعيين كلمة المرور", "agents.newPassword": "كلمة مرور جديدة",
  "agents.setPassword": "تعيين كلمة المرور", "agents.endSessions": "إنهاء الجلسات", "agents.passwordSet": "عُيّنت كلمة مرور جديدة لـ{0}؛ انتهت جلساته.",
  "agents.sessionsEnded": "{0}: انتهت {1} جلسات.", "agents.changed": "{0} الآن {1}.",
  "cs.log": "سجل الموافقة", "cs.record": "تسجيل موافقة أُعطيت أو سُحبت خارج Lifeline", "cs.channel": "القناة",
  "cs.what": "الموافقة", "cs.given": "أُعطيت (اشتراك)", "cs.withdrawn": "سُحبت (إلغاء الاشتراك)",
  "cs.wording": "كيف (نموذج موقّع، مكالمة في تاريخ…)", "cs.save": "تسجيل", "cs.open": "الموافقة",
  "cs.of": "موافقة {0}", "cs.state": "واتساب: {0} · SMS: {1}", "cs.recorded": "سُجّلت.", "cs.unchanged": "سُجّلت؛ لم تتغير الحالة.",
  "cs.col.at": "الوقت", "cs.col.channel": "القناة", "cs.col.opt": "الموافقة", "cs.col.source": "المصدر", "cs.col.wording": "الصياغة", "cs.col.by": "بواسطة",
  "cs.in": "اشتراك", "cs.out": "إلغاء اشتراك", "cs.smsStopped": "أوقف (STOP)", "cs.smsOk": "بلا STOP",
  "hm.label": "الترويسة", "hm.none": "بلا (نص فقط)", "hm.image": "صورة", "hm.video": "فيديو", "hm.document": "مستند", "hm.location": "موقع",
  "hm.file": "ملف الترويسة", "hm.uploading": "جارٍ الرفع…", "hm.uploaded": "رُفع {0} ({1}، {2} ك.ب)",
  "hm.lat": "خط عرض الترويسة", "hm.lon": "خط طول الترويسة", "hm.place": "اسم المكان", "hm.address": "العنوان",
  "hm.needFile": "{0}: ارفع ملف الترويسة أولاً.", "pv.header": "الترويسة: {0}",
  "bc.previewOf": "معاينة: {0}", "ct.unreachable": "لا يمكن الوصول إليه عبر واتساب ({0})", "ct.clearUnreachable": "يمكن الوصول إليه مجدداً",
  "nothing": "لا شيء بعد.", "admin.notAvailable": "{0} غير متاح على هذا الخادم.", "admin.failed": "تعذّر تحميل {0}: {1}",
});

// ---------- small helpers ----------
const enc = encodeURIComponent;
const list = (s) => String(s || "").split(",").map((x) => x.trim()).filter(Boolean);
const lines = (s) => String(s || "").split("\n").map((x) => x.trim()).filter(Boolean);
// fill replaces an element's children, leaving out the absent ones.
function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
}
// number shows a count left to right, isolated, in Arabic text too.
function number(n) { return h("bdi", { class: "n", dir: "ltr", text: n === undefined || n === null ? "–" : String(n) }); }
function percent(r) { return Math.round((r || 0) * 1000) / 10 + "%"; }
function btn(key, onclick, attrs) { return h("button", Object.assign({ type: "button", text: t(key), onclick }, attrs || {})); }
// timeCell shows a time as "14:05 · 3 min ago"; nothing for Go's zero time.
function timeCell(at) { return !at || String(at).startsWith("0001-") ? "" : when(at, true); }
function grid(heads, rows, attrs) {
  if (rows.length === 0) return h("p", { class: "muted", text: t("nothing") });
  // The wrapper scrolls a wide table sideways on a phone: it takes the
  // focus so that a keyboard can scroll it too.
  return h("div", { class: "scroll", tabindex: "0" }, h("table", attrs || {},
    h("thead", {}, h("tr", {}, heads.map((k) => h("th", { scope: "col", text: t(k) })))),
    h("tbody", {}, rows)));
}
function unavailable(box, what, e) {
  fill(box, h("p", { class: "muted", text: e.status === 404 || e.status === 405
    ? t("admin.notAvailable", what) : t("admin.failed", what, e.message) }));
}
// confirmTwice makes a button ask again before an action that cannot be
// undone (closing an incident, a cancel, a rollback): the first click arms
// it. id names what it acts on, so that a live reload of the list keeps
// the button armed.
const armed = new Set();
function confirmTwice(b, key, fn, id) {
  const arm = (on) => {
    b.classList.toggle("armed", on);
    b.textContent = on ? t("confirm", t(key)) : t(key);
    if (id) { if (on) armed.add(id); else armed.delete(id); }
  };
  if (id && armed.has(id)) arm(true);
  b.addEventListener("click", () => {
    if (!b.classList.contains("armed")) { arm(true); return; }
    arm(false);
    fn();
  });
  return b;
}
// rowErrors lists an import's refused rows as the API gives them.
function rowErrors(e) {
  const rows = (e.data && e.data.rows) || [];
  return h("div", {},
    h("p", { class: "error", role: "alert", text: e.message }),
    rows.length ? h("ul", { class: "row-errors" }, rows.map((r) => h("li", { "data-row": r.row },
      h("strong", { text: t("ct.rowError", r.row) }), r.column ? ", " + t("ct.column", r.column) : "", ": ",
      isolate(r.message || r.error || "")))) : null);
}
// parseCSV reads RFC 4180 text (quotes, doubled quotes, newlines in quotes).
function parseCSV(text) {
  const rows = [];
  let row = [], f = "", q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { f += '"'; i++; }
      else if (c === '"') q = false;
      else f += c;
    } else if (c === '"') q = true;
    else if (c === ",") { row.push(f); f = ""; }
    else if (c === "\n") { row.push(f.replace(/\r$/, "")); rows.push(row); row = []; f = ""; }
    else f += c;
  }
  if (f !== "" || row.length) { row.push(f); rows.push(row); }
  if (rows.length === 0) return [];
  const head = rows[0];
  return rows.slice(1).map((r) => Object.fromEntries(head.map((k, i) => [k, r[i] || ""])));
}
function openConversation(waID) {
  location.hash = "#queue";
  select(String(waID).replace(/^\+/, ""));
}
// Pages that follow live work reload every 15 seconds as well as on the
// event stream, which does not carry every broadcast status.
setInterval(() => {
  if (!state.me || document.hidden) return;
  if (state.page === "incidents") loadIncidents();
  else if (state.page === "broadcasts") loadBroadcasts();
  else if (state.page === "dashboard") loadDashboard();
  else if (state.page === "reach") loadReach();
}, 15000);

// ---------- incidents ----------
const inc = { list: [], timeline: null };

async function loadIncidents() {
  const box = $("incidents");
  let data;
  try { data = await api("GET", "/admin/incidents"); }
  catch (e) { unavailable(box, t("inc.title"), e); return; }
  inc.list = data.incidents || [];
  const s = data.summary || { real: {}, drill: {} };
  $("inc-summary").textContent = t("inc.summary", s.real.open || 0, s.real.closed || 0, s.drill.open || 0, s.drill.closed || 0);
  // Open incidents first, newest first within each group.
  const sorted = inc.list.slice().sort((a, b) => (a.state === "closed") - (b.state === "closed") || new Date(b.opened_at) - new Date(a.opened_at));
  fill(box, grid(["inc.col.name", "inc.col.kind", "inc.col.state", "inc.col.opened", "inc.col.closed", "actions"],
    sorted.map(incidentRow), { id: "incident-table" }));
  fillIncidentPicker();
  if (inc.timeline) loadTimeline(inc.timeline);
}

function incidentRow(x) {
  const open = x.state !== "closed";
  const close = open ? confirmTwice(h("button", { type: "button", class: "danger", text: t("inc.close"), "data-act": "close" }), "inc.close", async () => {
    $("inc-error").textContent = "";
    try { await api("POST", "/admin/incidents/" + enc(x.id) + "/close"); }
    catch (e) { $("inc-error").textContent = x.name + ": " + e.message; }
    loadIncidents();
  }, "close:" + x.id) : null;
  return h("tr", { "data-id": x.id, "data-state": x.state, class: x.drill ? "drill" : "" },
    h("td", {}, x.drill ? h("span", { class: "badge drill", text: t("inc.drillBadge") }) : null, " ", isolate(x.name)),
    h("td", { text: t("kind." + x.kind) }),
    h("td", {}, h("span", { class: "badge st-" + x.state, text: t("state." + x.state) })),
    h("td", {}, timeCell(x.opened_at), x.opened_by ? h("div", { class: "muted" }, isolate(x.opened_by)) : null),
    h("td", {}, timeCell(x.closed_at)),
    h("td", { class: "acts" },
      h("a", { href: "#dashboard/" + enc(x.id), class: "button", "data-act": "dashboard", text: t("dash.open") }),
      btn("inc.timeline", () => { inc.timeline = x.id; $("inc-timeline-dl").textContent = ""; loadTimeline(x.id); }, { "data-act": "timeline" }),
      h("a", { href: "/admin/incidents/" + enc(x.id) + "/report?format=html", target: "_blank", rel: "noopener", text: t("inc.report") }),
      close));
}

async function loadTimeline(id) {
  const x = inc.list.find((i) => i.id === id);
  $("inc-timeline-card").hidden = false;
  fill($("inc-timeline-title"), t("inc.timelineOf", ""), isolate(x ? x.name : id));
  const box = $("inc-timeline");
  let tl;
  try { tl = await api("GET", "/admin/incidents/" + enc(id) + "/timeline"); }
  catch (e) { unavailable(box, t("inc.timeline"), e); return; }
  if (inc.timeline !== id) return;
  fill(box, 
    grid(["tl.at", "tl.kind", "tl.actor", "tl.subject", "tl.detail"], (tl.rows || []).map((r) => h("tr", {},
      h("td", {}, timeCell(r.at)), h("td", { text: r.kind }), h("td", {}, isolate(r.actor || "")),
      h("td", {}, isolate(r.subject || "")), h("td", {}, isolate(r.detail || "")))), { id: "timeline-table" }),
    (tl.not_derivable || []).length ? h("p", { class: "muted", text: t("inc.notDerivable", tl.not_derivable.join("; ")) }) : null);
}

// incidentSMS is the form's default SMS fallback, or null when no text is
// given; the server checks it and names a bad field.
function incidentSMS() {
  const texts = {};
  for (const l of ["en", "ar"]) {
    const v = $("inc-sms-" + l).value.trim();
    if (v) texts[l] = v;
  }
  if (!Object.keys(texts).length) return null;
  const sms = { texts, fallback_language: texts.en ? "en" : "ar" };
  const after = $("inc-sms-after").value.trim();
  if (after) sms.after = after + "m";
  return sms;
}

$("inc-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("inc-form-error").textContent = "";
  $("inc-form-result").textContent = "";
  const body = {
    name: $("inc-name").value.trim(), kind: $("inc-kind").value, drill: $("inc-drill").checked, notes: $("inc-notes").value.trim(),
    audience: { regions: list($("inc-regions").value), tags_any: list($("inc-tags").value) },
  };
  const sms = incidentSMS();
  if (sms) body.sms = sms;
  try {
    const x = await api("POST", "/admin/incidents", body);
    $("inc-form").reset();
    $("inc-form-result").textContent = t("inc.opened", x.name);
    loadIncidents();
  } catch (e) { $("inc-form-error").textContent = e.message; }
});

// ---------- broadcasts ----------
const bc = { list: [], previewed: null, help: null };

function fillIncidentPicker() {
  const sel = $("bc-incident");
  const was = sel.value;
  fill(sel, h("option", { value: "", text: t("bc.noIncident") }));
  for (const x of inc.list.filter((i) => i.state !== "closed")) {
    sel.append(h("option", { value: x.id, text: (x.drill ? "[" + t("inc.drillBadge") + "] " : "") + x.name }));
  }
  sel.value = was;
  // "New broadcast for this incident" on the dashboard preselects it.
  if (dash.compose && inc.list.some((i) => i.id === dash.compose && i.state !== "closed")) { sel.value = dash.compose; dash.compose = null; specChanged(); }
  fillComposerSMS();
}

function templateRow(tp) {
  tp = tp || {};
  const row = h("div", { class: "tpl-row form" },
    h("label", {}, h("span", { text: t("tpl.contactLang") }), h("input", { class: "tpl-key", dir: "ltr", size: 5, value: tp.key || "", required: true })),
    h("label", {}, h("span", { text: t("tpl.templateName") }), h("input", { class: "tpl-name", dir: "ltr", value: tp.name || "", required: true, list: "bc-tpl-names" })),
    h("label", {}, h("span", { text: t("tpl.templateLang") }), h("input", { class: "tpl-lang", dir: "ltr", size: 6, value: tp.language || "", required: true })),
    h("label", {}, h("span", { text: t("tpl.params") }), h("textarea", { class: "tpl-params", dir: "auto", rows: 2 })),
    headerFields(),
    btn("tpl.remove", () => { row.remove(); specChanged(); }));
  return row;
}

// headerFields pick a template's media header: a file uploaded at once to
// POST /admin/media (its refusal, naming the limit, shown as the API
// words it), or a location pin. The upload's sha256 names the file in
// the broadcast's header_media.
function headerFields() {
  const kind = h("select", { class: "hm-kind" }, ["", "image", "video", "document", "location"].map((k) =>
    h("option", { value: k, text: t(k ? "hm." + k : "hm.none") })));
  const file = h("input", { type: "file", class: "hm-file" });
  const fileBox = h("label", { hidden: true }, h("span", { text: t("hm.file") }), file);
  const loc = h("div", { class: "hm-loc form", hidden: true },
    h("label", {}, h("span", { text: t("hm.lat") }), h("input", { class: "hm-lat", dir: "ltr", inputmode: "decimal" })),
    h("label", {}, h("span", { text: t("hm.lon") }), h("input", { class: "hm-lon", dir: "ltr", inputmode: "decimal" })),
    h("label", {}, h("span", { text: t("hm.place") }), h("input", { class: "hm-name", dir: "auto" })),
    h("label", {}, h("span", { text: t("hm.address") }), h("input", { class: "hm-address", dir: "auto" })));
  const status = h("p", { class: "hm-status muted", role: "status" });
  const box = h("div", { class: "hm" }, h("label", {}, h("span", { text: t("hm.label") }), kind), fileBox, loc, status);
  const accept = { image: "image/jpeg,image/png", video: "video/mp4,video/3gpp", document: "application/pdf,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.txt" };
  const reset = () => { delete box.dataset.sha256; delete box.dataset.filename; status.textContent = ""; status.className = "hm-status muted"; file.value = ""; };
  kind.addEventListener("change", () => {
    const k = kind.value;
    fileBox.hidden = !["image", "video", "document"].includes(k);
    loc.hidden = k !== "location";
    file.accept = accept[k] || "";
    reset();
  });
  file.addEventListener("change", async () => {
    const f = file.files[0];
    delete box.dataset.sha256;
    if (!f) return;
    status.className = "hm-status muted";
    status.textContent = t("hm.uploading");
    const form = new FormData();
    form.append("file", f);
    form.append("kind", kind.value);
    try {
      const r = await api("POST", "/admin/media", form);
      box.dataset.sha256 = r.sha256;
      box.dataset.filename = r.filename || f.name;
      status.textContent = t("hm.uploaded", r.filename || f.name, r.mime_type, Math.ceil((r.size || 0) / 1024));
    } catch (e) {
      status.className = "hm-status error";
      status.textContent = e.message;
    }
    specChanged();
  });
  return box;
}

// headerMedia is the header a template row describes, as the API takes it.
function headerMedia(row) {
  const box = row.querySelector(".hm");
  const k = box.querySelector(".hm-kind").value;
  if (!k) return undefined;
  if (k === "location") {
    const num = (c) => Number(box.querySelector(c).value.trim().replace(",", "."));
    const l = { latitude: num(".hm-lat"), longitude: num(".hm-lon") };
    const name = box.querySelector(".hm-name").value.trim(), address = box.querySelector(".hm-address").value.trim();
    if (name) l.name = name;
    if (address) l.address = address;
    return { type: "location", location: l };
  }
  const m = { type: k, sha256: box.dataset.sha256 || "" };
  if (k === "document" && box.dataset.filename) m.filename = box.dataset.filename;
  return m;
}
$("bc-add-tpl").addEventListener("click", () => { $("bc-templates").append(templateRow()); specChanged(); });
$("bc-templates").append(templateRow({ key: "en", language: "en" }));
$("bc-critical").addEventListener("change", () => { $("bc-reason-box").hidden = !$("bc-critical").checked; });
$("bc-kind").addEventListener("change", () => { $("bc-checkin-opts").hidden = $("bc-kind").value !== "checkin"; });

// spec is the broadcast the form describes, as the API takes it.
function spec() {
  const templates = {};
  for (const row of $("bc-templates").querySelectorAll(".tpl-row")) {
    const key = row.querySelector(".tpl-key").value.trim();
    if (!key) continue;
    templates[key] = {
      name: row.querySelector(".tpl-name").value.trim(), language: row.querySelector(".tpl-lang").value.trim(),
      body: lines(row.querySelector(".tpl-params").value).map((value) => ({ value })),
      header_media: headerMedia(row),
    };
  }
  const s = {
    name: $("bc-name").value.trim(), kind: $("bc-kind").value, templates,
    audience: { all: $("bc-all").checked, tags_any: list($("bc-tags").value), regions: list($("bc-regions").value), languages: list($("bc-languages").value) },
    incident: $("bc-incident").value || undefined, drill: $("bc-drill").checked,
    critical: $("bc-critical").checked, consent_override_reason: $("bc-critical").checked ? $("bc-reason").value.trim() : undefined,
  };
  if (Object.keys(templates).length > 1 && templates.en) s.fallback_language = "en";
  if (s.kind === "checkin") {
    // A count the API would refuse (0 minutes, 11 reminders) goes as it is:
    // the API's refusal says what it accepts.
    const count = Number($("bc-remind-count").value || 0);
    if (count) s.reminders = { every: Number($("bc-remind-every").value || 0) + "m", count };
    const u = {};
    if ($("bc-unacc-handoff").checked) u.handoff = true;
    if ($("bc-unacc-webhook").checked) u.webhook = true;
    if (Object.keys(u).length) s.unaccounted = u;
  }
  if ($("bc-start").value) s.start_at = new Date($("bc-start").value).toISOString();
  composeExtras(s);
  return s;
}
function specChanged() {
  $("bc-send").disabled = bc.previewed === null || bc.previewed !== JSON.stringify(spec());
}
$("bc-form").addEventListener("input", specChanged);
$("bc-form").addEventListener("change", specChanged);

$("bc-preview-btn").addEventListener("click", async () => {
  $("bc-form-error").textContent = "";
  $("bc-result").textContent = "";
  const s = spec(), box = $("bc-preview");
  bc.previewed = null;
  try {
    const pv = await api("POST", "/admin/broadcasts/preview", s);
    bc.previewed = JSON.stringify(s);
    fill(box, renderPreview(pv));
  } catch (e) {
    fill(box);
    $("bc-form-error").textContent = e.message;
  }
  specChanged();
});

function countsText(m) { return Object.entries(m || {}).filter(([, n]) => n).map(([k, n]) => (k || "–") + " " + n).join(", "); }

// headerPreview shows the header every recipient gets: the uploaded
// image itself is not served back, so its kind, name and size; a
// location as its pin.
function headerPreview(m) {
  const what = t("hm." + m.type) === "hm." + m.type ? m.type : t("hm." + m.type);
  if (m.type === "location" && m.location) {
    return h("p", { class: "pv-header" }, t("pv.header", what) + " ", mapLink(m.location.latitude, m.location.longitude, true),
      m.location.name ? [" ", isolate(m.location.name)] : null);
  }
  const bits = [m.filename, m.mime_type, m.size ? Math.ceil(m.size / 1024) + " KB" : ""].filter(Boolean).join(" · ");
  return h("p", { class: "pv-header" }, t("pv.header", what), bits ? [" · ", h("bdi", { dir: "ltr", text: bits })] : null);
}

function renderPreview(pv) {
  return h("div", { class: "card inner", id: "bc-preview-body" },
    h("p", {}, h("strong", {}, t("pv.targeted", pv.targeted))),
    countsText(pv.excluded) ? h("p", { class: "muted", text: t("pv.excluded", countsText(pv.excluded)) }) : null,
    (pv.languages || []).map((l) => h("div", { class: "pv-lang" },
      h("p", {}, t("pv.lang", l.template_key, l.template_name + " · " + l.template_language, l.recipients),
        countsText(l.contact_languages) ? h("span", { class: "muted", text: " · " + t("pv.contactLangs", countsText(l.contact_languages)) }) : null),
      l.header_media ? headerPreview(l.header_media) : null,
      countsText(l.missing_variables) ? h("p", { class: "error", text: t("pv.missing", countsText(l.missing_variables)) }) : null,
      l.payload ? h("details", {}, h("summary", { text: t("pv.payload") + (l.sample_contact ? " (" + l.sample_contact + ")" : "") }),
        h("pre", { dir: "ltr", text: JSON.stringify(l.payload, null, 2) })) : null)),
    previewExtras(pv),
    (pv.warnings || []).length ? h("div", {}, h("strong", { text: t("pv.warnings") }), h("ul", {}, pv.warnings.map((w) => h("li", {}, isolate(w))))) : null);
}

$("bc-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("bc-form-error").textContent = "";
  const s = spec();
  if (bc.previewed !== JSON.stringify(s)) { $("bc-form-error").textContent = t("bc.previewAgain"); specChanged(); return; }
  $("bc-send").disabled = true;
  try {
    const r = await api("POST", "/admin/broadcasts", s);
    $("bc-result").textContent = t("bc.created", s.name, r.state === "pending_approval" ? t("bc.pendingApproval") : stateText(r.state));
    bc.previewed = null;
    fill($("bc-preview"));
    endCorrection();
    loadBroadcasts();
  } catch (e) {
    $("bc-form-error").textContent = e.message;
    specChanged();
  }
});

function stateText(s) { const x = t("bcs." + s); return x === "bcs." + s ? s : x; }

// rate shows a figure against its target: met, or missed once there is
// something to measure.
function rate(value, ok, text, measured) {
  return h("span", { class: measured ? (ok ? "target ok" : "target missed") : "target", title: measured ? t(ok ? "target.met" : "target.missed") : "" }, text);
}

async function loadBroadcasts() {
  const box = $("broadcasts");
  if (inc.list.length === 0) {
    api("GET", "/admin/incidents").then((d) => { inc.list = d.incidents || []; fillIncidentPicker(); },
      (e) => { $("bc-form-error").textContent = t("admin.failed", t("inc.title"), e.message); });
  }
  let data;
  try { data = await api("GET", "/admin/broadcasts"); }
  catch (e) { unavailable(box, t("bc.title"), e); return; }
  bc.list = data.broadcasts || [];
  fill(box, grid(["col.name", "col.state", "col.created", "col.start", "col.targeted", "col.sent", "col.delivered", "col.read",
    "col.failed", "col.replied", "col.safe", "col.needHelp", "col.noResponse", "col.unaccounted", "col.deliveryRate", "col.response",
    "col.engagement", "actions"], bc.list.map(broadcastRow), { id: "broadcast-table" }));
  renderChart();
  loadFigures();
  if (bc.help) loadNeedHelp(bc.help);
}

function broadcastRow(b) {
  const checkin = b.kind === "checkin";
  const act = (what) => async () => {
    $("bc-error").textContent = "";
    try { await api("POST", "/admin/broadcasts/" + enc(b.id) + "/" + what); }
    catch (e) { $("bc-error").textContent = b.name + ": " + e.message; }
    loadBroadcasts();
  };
  const acts = [];
  const s = b.state;
  // The approver reads what would be sent before approving it.
  if (s === "pending_approval") acts.push(btn("bc.preview", () => showStoredPreview(b), { "data-act": "preview" }),
    btn("bc.approve", act("approve"), { class: "primary", "data-act": "approve" }), btn("bc.reject", act("reject"), { "data-act": "reject" }));
  if (["scheduled", "sending", "waiting_limit"].includes(s)) acts.push(btn("bc.pause", act("pause"), { "data-act": "pause" }));
  if (s === "paused") acts.push(btn("bc.resume", act("resume"), { "data-act": "resume" }));
  if (["pending_approval", "scheduled", "sending", "paused", "waiting_limit", "sent"].includes(s)) {
    acts.push(confirmTwice(h("button", { type: "button", class: "danger", text: t("bc.cancel"), "data-act": "cancel" }), "bc.cancel", act("cancel"), "cancel:" + b.id));
  }
  if (b.sent > 0) acts.push(btn("fig.show", () => { figs.id = b.id; loadFigures(); $("bc-figures-card").scrollIntoView({ block: "nearest" }); }, { "data-act": "figures" }));
  if (b.sent > 0) acts.push(btn("bc.correct", () => startCorrection(b), { "data-act": "correct" }));
  if (checkin) acts.push(btn("bc.needHelpList", () => { bc.help = b.id; loadNeedHelp(b.id); }, { "data-act": "help" }));
  acts.push(h("a", { href: "/admin/broadcasts/" + enc(b.id) + "/recipients.csv", download: b.id + "-recipients.csv", text: t("bc.csv") }));
  const measured = b.sent > 0;
  const ack = b.ack_p50_seconds || 0;
  return h("tr", { "data-id": b.id, "data-state": b.state },
    h("th", { scope: "row" }, isolate(b.name), h("div", { class: "muted" }, t(checkin ? "bc.kindCheckinShort" : "bc.kindNotice"),
      b.critical ? h("span", { class: "badge urgent", text: t("bc.criticalBadge") }) : null), broadcastLinks(b)),
    h("td", {}, h("span", { class: "badge st-" + s, text: stateText(s) }), b.pause_reason ? h("div", { class: "muted" }, isolate(b.pause_reason)) : null),
    h("td", {}, timeCell(b.created_at)), h("td", {}, timeCell(b.start_at)),
    ["targeted", "sent", "delivered", "read", "failed", "replied"].map((k) => h("td", { class: "num-cell", "data-col": k }, number(b[k]))),
    ["safe", "need_help", "no_response"].map((k) => h("td", { class: "num-cell", "data-col": k }, checkin ? number(b[k] || 0) : "–")),
    h("td", { class: "num-cell", "data-col": "unaccounted" }, checkin ? number(b.unaccounted) : "–"),
    h("td", { class: "num-cell" }, rate(b.delivery_rate, b.delivery_rate >= 0.95, percent(b.delivery_rate), measured)),
    h("td", { class: "num-cell" }, rate(ack, ack <= 300, ack ? duration(ack) : "–", measured && ack > 0)),
    h("td", { class: "num-cell" }, rate(b.engagement_rate, b.engagement_rate >= 0.3, percent(b.engagement_rate), measured)),
    h("td", { class: "acts" }, acts));
}

// showStoredPreview shows a stored broadcast's preview, as the API
// computes it now, in the card below the list.
async function showStoredPreview(b) {
  bc.help = null;
  $("bc-help-card").hidden = false;
  fill($("bc-help-title"), t("bc.previewOf", ""), isolate(b.name));
  const box = $("bc-help");
  try { fill(box, renderPreview(await api("GET", "/admin/broadcasts/" + enc(b.id) + "/preview"))); }
  catch (e) { fill(box, h("p", { class: "error", text: e.message })); }
  $("bc-help-card").scrollIntoView({ block: "nearest" });
}

// renderChart draws each check-in as one labelled bar of its answers: the
// label has its own line, so that labels never overlap.
function renderChart() {
  const rows = bc.list.filter((b) => b.kind === "checkin" && b.targeted > 0);
  $("broadcasts-chart-card").hidden = rows.length === 0;
  // The width is set through the CSSOM: the page's policy refuses style attributes.
  const part = (cls, n, total, key) => {
    if (n <= 0) return null;
    const seg = h("span", { class: "seg " + cls, title: t(key) + ": " + n });
    seg.style.width = (100 * n / total) + "%";
    return seg;
  };
  fill($("broadcasts-chart"), 
    h("div", { class: "legend" },
      h("span", {}, h("i", { class: "c-safe" }), t("legend.safe")), h("span", {}, h("i", { class: "c-help" }), t("legend.help")),
      h("span", {}, h("i", { class: "c-none" }), t("legend.none"))),
    rows.map((b) => {
      const safe = b.safe || 0, help = b.need_help || 0, none = Math.max(0, b.targeted - safe - help);
      return h("div", { class: "bar-row", role: "img", "aria-label": b.name + ": " + t("legend.safe") + " " + safe + ", " + t("legend.help") + " " + help + ", " + t("legend.none") + " " + none },
        h("div", { class: "bar-label" }, isolate(b.name), " · ", number(safe), " / ", number(help), " / ", number(none)),
        h("div", { class: "bar" }, part("c-safe", safe, b.targeted, "legend.safe"), part("c-help", help, b.targeted, "legend.help"), part("c-none", none, b.targeted, "legend.none")));
    }));
}

// loadNeedHelp lists the recipients who answered "need help", from the
// recipients CSV the API gives, each linking to their conversation.
async function loadNeedHelp(id) {
  const b = bc.list.find((x) => x.id === id);
  $("bc-help-card").hidden = false;
  fill($("bc-help-title"), t("bc.helpOf", ""), isolate(b ? b.name : id));
  const box = $("bc-help");
  let text;
  try { text = await api("GET", "/admin/broadcasts/" + enc(id) + "/recipients.csv"); }
  catch (e) { unavailable(box, t("bc.csv"), e); return; }
  if (bc.help !== id) return;
  const rows = parseCSV(String(text)).filter((r) => r.answer === "help");
  if (rows.length === 0) { fill(box, h("p", { class: "muted", text: t("bc.nobodyNeedsHelp") })); return; }
  fill(box, grid(["bc.number", "bc.answered", "bc.location", "bc.description", "actions"], rows.map((r) => h("tr", { "data-wa": r.wa_id },
    h("td", {}, phone(r.wa_id)), h("td", {}, timeCell(r.answered_at)),
    h("td", {}, r.latitude ? h("a", { href: "https://www.openstreetmap.org/?mlat=" + r.latitude + "&mlon=" + r.longitude + "#map=16/" + r.latitude + "/" + r.longitude,
      target: "_blank", rel: "noopener", dir: "ltr", text: r.latitude + ", " + r.longitude }) : ""),
    h("td", {}, isolate(r.description)),
    h("td", {}, btn("bc.openConv", () => openConversation(r.wa_id)))))));
}

// ---------- FAQ ----------
const faq = { entries: [], version: 0, editing: null };

async function loadFAQPage() {
  loadEntries();
  loadUnanswered();
  loadVersions();
}

async function loadEntries() {
  const box = $("faq-entries");
  let data;
  try { data = await api("GET", "/admin/kb/entries"); }
  catch (e) { unavailable(box, t("faq.entries"), e); return; }
  faq.entries = data.entries || [];
  faq.version = data.version;
  $("faq-live").textContent = t("faq.live", data.version, faq.entries.length);
  renderEntries();
}

function entryText(e) {
  const parts = [e.id, e.question, e.answer, e.category, ...(e.alt_questions || [])];
  for (const tr of Object.values(e.translations || {})) parts.push(tr.question, tr.answer, ...(tr.alt_questions || []));
  return parts.filter(Boolean).join("\n").toLowerCase();
}

function renderEntries() {
  const q = $("faq-filter").value.trim().toLowerCase();
  const shown = faq.entries.filter((e) => !q || entryText(e).includes(q));
  fill($("faq-entries"), grid(["faq.id", "faq.question", "faq.languages", "actions"], shown.slice(0, 500).map((e) => h("tr", { "data-id": e.id },
    h("td", { dir: "ltr", text: e.id }),
    h("td", {}, isolate(e.question), h("div", { class: "muted clamp" }, isolate(e.answer))),
    h("td", { dir: "ltr", text: [e.lang, ...Object.keys(e.translations || {})].join(", ") }),
    h("td", {}, btn("faq.edit", () => editEntry(e), { "data-act": "edit" })))), { id: "faq-table" }));
  fillEntryPickers();
}
$("faq-filter").addEventListener("input", renderEntries);

function langRow(l, q, a, alts) {
  const row = h("fieldset", { class: "lang-row form" },
    h("label", {}, h("span", { text: t("faq.lang") }), h("input", { class: "f-lang", dir: "ltr", size: 5, value: l || "", required: true })),
    h("label", {}, h("span", { text: t("faq.question") }), h("input", { class: "f-q", dir: "auto", value: q || "", required: true })),
    h("label", {}, h("span", { text: t("faq.answer") }), h("textarea", { class: "f-a", dir: "auto", rows: 3, required: true })),
    h("label", {}, h("span", { text: t("faq.alts") }), h("textarea", { class: "f-alts", dir: "auto", rows: 2 })),
    btn("tpl.remove", () => row.remove()));
  row.querySelector(".f-a").value = a || "";
  row.querySelector(".f-alts").value = (alts || []).join("\n");
  return row;
}

// editEntry opens the editor on an entry (null: a new one); the first
// language row is the entry's own language, the others its translations.
function editEntry(e, prefill) {
  faq.editing = e ? e.id : null;
  $("faq-editor-error").textContent = "";
  $("faq-editor-card").hidden = false;
  $("faq-editor-title").textContent = e ? t("faq.editTitle", e.id) : t("faq.newTitle");
  $("faq-id").value = e ? e.id : "";
  $("faq-id").readOnly = !!e;
  $("faq-category").value = (e && e.category) || "";
  $("faq-delete").hidden = !e;
  const langs = $("faq-langs");
  fill(langs);
  if (e) {
    langs.append(langRow(e.lang, e.question, e.answer, e.alt_questions));
    for (const [l, tr] of Object.entries(e.translations || {})) langs.append(langRow(l, tr.question, tr.answer, tr.alt_questions));
  } else {
    langs.append(langRow((prefill && prefill.lang) || lang, prefill && prefill.question, "", []));
  }
  $("faq-editor-card").scrollIntoView({ block: "nearest" });
  langs.querySelector(e ? ".f-q" : ".f-a").focus();
}
$("faq-new").addEventListener("click", () => editEntry(null));
$("faq-add-lang").addEventListener("click", () => $("faq-langs").append(langRow("", "", "", [])));
$("faq-cancel").addEventListener("click", () => { $("faq-editor-card").hidden = true; faq.editing = null; });

function editorEntry() {
  const rows = [...$("faq-langs").querySelectorAll(".lang-row")].map((r) => ({
    lang: r.querySelector(".f-lang").value.trim(), question: r.querySelector(".f-q").value.trim(),
    answer: r.querySelector(".f-a").value.trim(), alt_questions: lines(r.querySelector(".f-alts").value),
  }));
  const [first, ...rest] = rows;
  const old = faq.entries.find((x) => x.id === faq.editing) || {};
  const e = Object.assign({}, old, first || {}, { id: $("faq-id").value.trim(), category: $("faq-category").value.trim() || undefined });
  e.translations = rest.length ? Object.fromEntries(rest.map((r) => [r.lang, { question: r.question, answer: r.answer, alt_questions: r.alt_questions }])) : undefined;
  return e;
}

$("faq-editor").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("faq-editor-error").textContent = "";
  const e = editorEntry();
  try {
    const r = faq.editing
      ? await api("PUT", "/admin/kb/entries/" + enc(faq.editing), e)
      : await api("POST", "/admin/kb/entries", e);
    $("faq-editor-card").hidden = true;
    faq.editing = null;
    $("faq-live").textContent = t("faq.saved", r.entry.id, r.version);
    loadEntries();
    loadVersions();
  } catch (err) { $("faq-editor-error").textContent = err.message; }
});
confirmTwice($("faq-delete"), "faq.delete", async () => {
  try {
    await api("DELETE", "/admin/kb/entries/" + enc(faq.editing));
    $("faq-editor-card").hidden = true;
    faq.editing = null;
    loadEntries();
    loadVersions();
  } catch (err) { $("faq-editor-error").textContent = err.message; }
});

$("faq-import").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const f = $("faq-file").files[0], box = $("faq-import-result");
  if (!f) return;
  // The import takes the file as the body, its format named by the content type.
  const ext = f.name.toLowerCase().split(".").pop();
  const type = { csv: "text/csv", tsv: "text/tab-separated-values", json: "application/json", md: "text/markdown" }[ext];
  if (!type) { box.textContent = t("faq.badFile"); return; }
  box.textContent = t("faq.importing");
  try {
    const r = await api("POST", "/admin/kb/import?mode=" + $("faq-mode").value, new Blob([f], { type }));
    box.textContent = t("faq.imported", countsText(Object.fromEntries(Object.entries(r || {}).filter(([, v]) => typeof v === "number"))));
    loadEntries();
    loadVersions();
  } catch (e) {
    fill(box, rowErrors(e));
  }
});

$("faq-search").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const box = $("faq-search-result");
  const q = new URLSearchParams({ q: $("faq-q").value });
  if ($("faq-lang").value) q.set("lang", $("faq-lang").value);
  try {
    const r = await api("GET", "/admin/kb/search?" + q);
    fill(box, h("p", { class: "muted", text: t("faq.decision", r.decision) + (r.lang ? " · " + r.lang : "") }),
      grid(["faq.id", "faq.question", "faq.score"], (r.results || []).map((x) => h("tr", {},
        h("td", { dir: "ltr", text: x.id }), h("td", {}, isolate(x.question), h("div", { class: "muted clamp" }, isolate(x.answer))),
        h("td", { class: "num-cell" }, number(Math.round(x.score * 100) / 100))))));
  } catch (e) { fill(box, h("p", { class: "error", text: e.message })); }
});

function fillEntryPickers() {
  for (const sel of document.querySelectorAll("select.entry-pick")) {
    const was = sel.value;
    fill(sel, h("option", { value: "", text: t("faq.pickEntry") }),
      faq.entries.map((e) => h("option", { value: e.id, text: e.id + " · " + e.question.slice(0, 50) })));
    sel.value = was;
  }
}

async function loadUnanswered() {
  const box = $("faq-unanswered");
  let r;
  try { r = await api("GET", "/admin/kb/unanswered"); }
  catch (e) { unavailable(box, t("faq.unanswered"), e); return; }
  fill(box, grid(["faq.question", "faq.lang", "faq.times", "faq.last", "actions"], (r.groups || []).map((g) => {
    const pick = h("select", { class: "entry-pick", "aria-label": t("faq.pickEntry") });
    const msg = h("span", { class: "muted", role: "status" });
    return h("tr", {},
      h("td", {}, isolate(g.query), (g.examples || []).length > 1 ? h("div", { class: "muted" }, isolate(g.examples.slice(1).join(" · "))) : null),
      h("td", { dir: "ltr", text: g.lang || "" }), h("td", { class: "num-cell" }, number(g.count)), h("td", {}, timeCell(g.last)),
      h("td", { class: "acts" },
        btn("faq.createEntry", () => editEntry(null, { question: g.query, lang: g.lang }), { "data-act": "create" }),
        pick,
        btn("faq.addAlt", async () => {
          const e = faq.entries.find((x) => x.id === pick.value);
          if (!e) { pick.focus(); return; }
          const next = JSON.parse(JSON.stringify(e));
          // The wording joins the alternates of the entry's row in its language.
          const target = next.lang === g.lang || !next.translations || !next.translations[g.lang] ? next : next.translations[g.lang];
          target.alt_questions = [...new Set([...(target.alt_questions || []), g.query])];
          try { await api("PUT", "/admin/kb/entries/" + enc(e.id), next); msg.textContent = t("faq.altAdded", e.id); loadEntries(); loadVersions(); }
          catch (err) { msg.textContent = err.message; msg.className = "error"; }
        }),
        msg));
  })));
  fillEntryPickers();
}
$("faq-unanswered-load").addEventListener("click", loadUnanswered);

async function loadVersions() {
  const box = $("faq-versions");
  let r;
  try { r = await api("GET", "/admin/kb/versions"); }
  catch (e) { unavailable(box, t("faq.versions"), e); return; }
  const vs = (r.versions || []).slice().sort((a, b) => b.version - a.version);
  fill(box, grid(["faq.version", "tl.at", "faq.source", "faq.count", "faq.languages", "actions"], vs.map((v) => h("tr", { "data-version": v.version },
    h("td", {}, number(v.version), v.version === r.live ? h("span", { class: "badge mine", text: t("faq.liveBadge") }) : null),
    h("td", {}, timeCell(v.at)), h("td", {}, v.source, v.note ? h("div", { class: "muted" }, isolate(v.note)) : null),
    h("td", { class: "num-cell" }, number(v.count)), h("td", { dir: "ltr", text: countsText(v.languages) }),
    h("td", { class: "acts" },
      v.version > 1 ? btn("faq.diff", () => showDiff(v.version)) : null,
      v.version !== r.live ? confirmTwice(h("button", { type: "button", text: t("faq.rollback"), "data-act": "rollback" }), "faq.rollback", async () => {
        $("faq-versions-error").textContent = "";
        try { const nv = await api("POST", "/admin/kb/versions/" + v.version + "/rollback"); $("faq-versions-error").textContent = t("faq.rolledBack", nv.version || ""); }
        catch (e) { $("faq-versions-error").textContent = e.message; }
        loadVersions();
        loadEntries();
      }, "rollback:" + v.version) : null)))));
}

async function showDiff(v) {
  const box = $("faq-diff");
  try {
    const d = await api("GET", "/admin/kb/versions/" + v + "/diff");
    const part = (key, ids) => (ids || []).length ? h("p", {}, h("strong", { text: t(key) + ": " }), h("span", { dir: "ltr", text: ids.join(", ") })) : null;
    fill(box, h("h3", { text: t("faq.diffOf", d.to, d.from) }), part("faq.added", d.added), part("faq.removed", d.removed), part("faq.changed", d.changed));
  } catch (e) { fill(box, h("p", { class: "error", text: e.message })); }
}

// ---------- contacts ----------
// Pages are walked with the API's "after" cursor; the cursors of the
// pages before are kept to go back.
const ct = { after: "", back: [], next: "" };

function contactQuery() {
  const q = new URLSearchParams({ limit: "100" });
  for (const [k, id] of [["q", "ct-q"], ["tag", "ct-tag"], ["lang", "ct-lang"], ["region", "ct-region"], ["opted_in", "ct-opted"]]) {
    const v = $(id).value.trim();
    if (v) q.set(k, v);
  }
  if (ct.after) q.set("after", ct.after);
  return q;
}

async function loadContacts() {
  const box = $("contacts");
  $("ct-error").textContent = "";
  let r;
  try { r = await api("GET", "/admin/contacts?" + contactQuery()); }
  catch (e) { if (e.status === 400) { $("ct-error").textContent = e.message; return; } unavailable(box, t("contacts.title"), e); return; }
  ct.next = r.next || "";
  $("ct-next").disabled = !ct.next;
  $("ct-prev").disabled = ct.back.length === 0;
  $("ct-page").textContent = t("ct.page", ct.back.length + 1);
  fill(box, grid(["ct.number", "ct.name", "ct.language", "ct.regionCol", "ct.tags", "ct.consentCol", "ct.source", "ct.added", "actions"],
    (r.contacts || []).map((c) => h("tr", { "data-wa": c.wa_id },
      h("td", {}, /^\d+$/.test(c.wa_id) ? phone(c.wa_id) : isolate(c.wa_id)), h("td", {}, isolate(c.name || "")),
      h("td", { dir: "ltr", text: c.language || "" }), h("td", {}, isolate(c.region || "")), h("td", {}, isolate((c.tags || []).join(", "))),
      h("td", { text: c.opted_out ? t("ct.optedOut") : c.opted_in ? t("ct.optedIn") : t("ct.notOptedIn") }),
      h("td", {}, isolate(c.opt_in_source || "")), h("td", {}, timeCell(c.created_at)),
      h("td", { class: "acts" }, btn("cs.open", () => showContact(c.wa_id), { "data-act": "consent" }),
        btn("er.export", () => showContact(c.wa_id, "export"), { "data-act": "export" }),
        btn("er.open", () => showContact(c.wa_id, "erase"), { "data-act": "erase", class: "danger" })))),
    { id: "contact-table" }));
}
// showContact opens one person's consent: the state per channel, every
// opt-in and opt-out with its source and wording, and a form to record
// consent given or withdrawn outside Lifeline, with their data's export
// and erasure. then ("export" or "erase") goes on to the one asked for.
async function showContact(waID, then) {
  if (ct.shown !== waID) resetErase();
  ct.shown = waID;
  const card = $("ct-detail-card");
  card.hidden = false;
  if (then === "export") exportContact(waID, $("ct-export-result"));
  fill($("ct-detail-title"), t("cs.of", ""), phone(waID));
  let c;
  try { c = await api("GET", "/admin/contacts/" + enc(waID)); }
  catch (e) { fill($("ct-consent"), h("p", { class: "error", text: e.message })); return; }
  if (ct.shown !== waID) return;
  const wa = c.opted_out ? t("ct.optedOut") : c.opted_in ? t("ct.optedIn") : t("ct.notOptedIn");
  const sms = c.sms && c.sms.opted_out ? t("cs.smsStopped") : t("cs.smsOk");
  $("ct-detail-state").textContent = t("cs.state", wa, sms);
  // WhatsApp said the number cannot receive messages (131026): broadcasts
  // leave it out until it writes in or the mark is cleared here.
  if (c.unreachable) {
    $("ct-detail-state").append(" · ", h("span", { class: "badge urgent", text: t("ct.unreachable", c.unreachable_code || "") }), " ",
      btn("ct.clearUnreachable", async () => {
        try { await api("POST", "/admin/contacts/" + enc(waID) + "/reachable"); }
        catch (e) { $("ct-error").textContent = e.message; }
        showContact(waID);
      }, { "data-act": "reachable" }));
  }
  const log = (c.consent || []).slice().reverse(); // newest first
  fill($("ct-consent"), grid(["cs.col.at", "cs.col.channel", "cs.col.opt", "cs.col.source", "cs.col.wording", "cs.col.by"], log.map((ev) => h("tr", {},
    h("td", {}, timeCell(ev.at)), h("td", { dir: "ltr", text: ev.channel === "sms" ? "SMS" : "WhatsApp" }),
    h("td", { text: t(ev.opt_in ? "cs.in" : "cs.out") }), h("td", {}, isolate(ev.source || "")),
    h("td", {}, isolate(ev.wording || "")), h("td", {}, isolate(ev.by || "")))), { id: "consent-table" }));
  if (then === "erase") { $("er-confirm").scrollIntoView({ block: "nearest" }); $("er-confirm").focus(); }
  else card.scrollIntoView({ block: "nearest" });
}
$("ct-detail-close").addEventListener("click", () => { ct.shown = null; $("ct-detail-card").hidden = true; });
$("cs-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const box = $("cs-result");
  box.textContent = "";
  box.className = "result";
  try {
    const r = await api("POST", "/admin/contacts/" + enc(ct.shown) + "/consent",
      { channel: $("cs-channel").value, opt_in: $("cs-optin").value === "true", wording: $("cs-wording").value.trim() });
    box.textContent = r.changed ? t("cs.recorded") : t("cs.unchanged");
    box.classList.add("ok");
    $("cs-wording").value = "";
    loadContacts();
  } catch (e) { box.textContent = e.message; box.classList.add("error"); }
  if (ct.shown) showContact(ct.shown);
});

$("ct-filter").addEventListener("submit", (ev) => { ev.preventDefault(); ct.after = ""; ct.back = []; loadContacts(); });
$("ct-next").addEventListener("click", () => { if (!ct.next) return; ct.back.push(ct.after); ct.after = ct.next; loadContacts(); });
$("ct-prev").addEventListener("click", () => { if (ct.back.length === 0) return; ct.after = ct.back.pop(); loadContacts(); });

$("ct-import").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const f = $("ct-file").files[0], box = $("ct-import-result");
  if (!f) return;
  box.textContent = t("faq.importing");
  try {
    // The file's bytes go as they are: the API converts a declared
    // charset and names a line that is not text.
    const r = await api("POST", "/admin/contacts/import", new Blob([f], { type: "text/csv" }));
    fill(box, h("p", { class: "ok", text: t("ct.imported", r.rows, r.created, r.updated) }));
    ct.after = ""; ct.back = [];
    loadContacts();
  } catch (e) { fill(box, rowErrors(e)); }
});

// ---------- agents ----------
async function loadAgentsPage() {
  const err = await loadAgents();
  if (err) { unavailable($("agents"), t("agents.title"), err); return; }
  const me = state.me.id;
  fill($("agents"), grid(["agents.id", "agents.name", "agents.role", "agents.state", "agents.lastLogin", "actions"], state.agents.map((a) => {
    const pw = h("input", { type: "password", autocomplete: "new-password", "aria-label": t("agents.newPassword"), placeholder: t("agents.newPassword"), minlength: 10 });
    const resetBox = h("form", { class: "row", hidden: true }, pw, h("button", { type: "submit", class: "primary", text: t("agents.setPassword") }));
    resetBox.addEventListener("submit", (ev) => { ev.preventDefault(); agentChange(a, { password: pw.value }, t("agents.passwordSet", a.id)); });
    return h("tr", { "data-id": a.id, "data-disabled": a.disabled ? "yes" : "no" },
      h("td", { dir: "ltr", text: a.id }), h("td", {}, isolate(a.name)), h("td", { text: t("role." + a.role) }),
      h("td", {}, h("span", { class: "badge " + (a.disabled ? "st-cancelled" : "st-open"), text: t(a.disabled ? "agents.disabled" : "agents.active") })),
      h("td", {}, timeCell(a.last_login)),
      h("td", { class: "acts" },
        // An admin does not lock themself out from here.
        a.id === me ? null : a.disabled
          ? btn("agents.enable", () => agentChange(a, { disabled: false }, t("agents.changed", a.id, t("agents.active"))), { "data-act": "enable" })
          : btn("agents.disable", () => agentChange(a, { disabled: true }, t("agents.changed", a.id, t("agents.disabled"))), { "data-act": "disable", class: "danger" }),
        btn("agents.reset", () => { resetBox.hidden = !resetBox.hidden; if (!resetBox.hidden) pw.focus(); }, { "data-act": "reset" }),
        a.id === me ? null : btn("agents.endSessions", async () => {
          $("agents-error").textContent = "";
          try { const r = await api("DELETE", "/admin/agents/" + enc(a.id) + "/sessions"); $("agent-result").textContent = t("agents.sessionsEnded", a.id, r && r.ended !== undefined ? r.ended : ""); }
          catch (e) { $("agents-error").textContent = a.id + ": " + e.message; }
        }, { "data-act": "end" }),
        resetBox));
  }), { id: "agent-table" }));
}

async function agentChange(a, body, done) {
  $("agents-error").textContent = "";
  try {
    await api("PATCH", "/admin/agents/" + enc(a.id), body);
    $("agent-result").textContent = done;
  } catch (e) { $("agents-error").textContent = a.id + ": " + e.message; }
  loadAgentsPage();
}

$("agent-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    const a = await api("POST", "/admin/agents", {
      id: $("agent-id").value, name: $("agent-name").value, role: $("agent-role").value, password: $("agent-password").value,
    });
    $("agent-result").textContent = t("agents.created", a.id, t("role." + a.role));
    $("agent-form").reset();
    loadAgentsPage();
  } catch (e) {
    $("agent-result").textContent = e.message;
  }
});

applyLang();
start();
