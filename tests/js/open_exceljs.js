// Open a workbook with exceljs and print what it found as JSON: the sheet names and
// the notes (comments) of each sheet.  Exits non-zero, with exceljs's message on
// stderr, when exceljs cannot open the file.
const ExcelJS = require("exceljs");

async function main(path) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  const sheets = {};
  wb.eachSheet((ws) => {
    const notes = {};
    ws.eachRow({ includeEmpty: false }, (row) => {
      row.eachCell({ includeEmpty: false }, (cell) => {
        if (cell.note) {
          const note = cell.note;
          notes[cell.address] = typeof note === "string" ? note
            : (note.texts || []).map((t) => t.text).join("");
        }
      });
    });
    sheets[ws.name] = { rows: ws.rowCount, notes };
  });
  process.stdout.write(JSON.stringify({ sheets }));
}

main(process.argv[2]).catch((err) => {
  process.stderr.write(String(err && err.message ? err.message : err) + "\n");
  process.exit(1);
});
