//! The Chinese official document (公文) around a plan: what is document and what is not.
//!
//! A downloaded plan rarely starts with its title. Before it may come a web page's chrome
//! (site name, menus, breadcrumbs, 来源/作者/浏览次数), a legal database's export header
//! (法宝引证码, 原文链接), a government portal's metadata table (索引号/发文机关/成文日期/发文字号),
//! markdown front matter, or a newspaper's page header (分类号, paper/date/page line). The plan
//! itself may be wrapped in the notice that issues it (`关于印发《X》的通知`: addressees, a sentence,
//! signature, 成文日期, `（此件公开发布）`), one notice may issue two documents, and a document may
//! end with attachments (附件) that are documents of their own.
//!
//! This module reads that structure from the classified lines, before any outline is parsed:
//! - [`header`] finds metadata fields and page chrome and marks their lines;
//! - [`wrapper`] splits a file into the documents it holds (notice, issued documents,
//!   attachments) and reads the notice's metadata;
//! - [`fields`] finds single fields in a line (document number, date, period);
//! - [`gazetteer`] and [`places`] decide which names are places, their level and province;
//! - [`naming`] names a plan as the seeds are named: by its place when it is one place's own plan,
//!   else by a short form of its own title.
//!
//! Attachments are separate plans, marked as attachments of the document before them: an
//! attachment (a table of evaluation indicators, a task list) has its own title and its own
//! numbering restarting at 一、, and comparing it section by section with another pilot's main
//! document would line up unrelated things; as its own plan it can be compared with other
//! attachments, and its mark keeps it findable from its document.

pub mod fields;
pub mod gazetteer;
pub mod header;
pub mod naming;
pub mod places;
pub mod wrapper;
