// Writes exceljs.xlsx with exceljs (in the repository's node_modules): a
// sample from a real producer, next to the hand-made ones of make_samples.py.
// Run from this directory: node make_exceljs.js
const ExcelJS = require('exceljs');

(async () => {
  const wb = new ExcelJS.Workbook();
  wb.created = wb.modified = new Date(Date.UTC(2024, 0, 1));
  const ws = wb.addWorksheet('职工名单');
  ws.addRow(['姓名', '单位', '入职日期', '工号', '得分']);
  ws.addRow(['王晓明', '交通运输局', new Date(Date.UTC(2015, 2, 1)), 101, 95.5]);
  ws.addRow(['陳志強', '公路管理處', new Date(Date.UTC(2012, 6, 15)), 102, 88]);
  ws.getColumn(3).numFmt = 'yyyy-mm-dd';
  wb.addWorksheet('说明').addRow(['忽略']);
  await wb.xlsx.writeFile('exceljs.xlsx');
})();
