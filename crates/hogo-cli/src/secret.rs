//! Secret input: passwords and My Numbers come from a no-echo prompt, or from stdin when
//! it is not a terminal — never from argv or an environment variable.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context as _, Result, bail};
use zeroize::Zeroizing;

/// Reads one secret line: a no-echo prompt on a terminal, else the next line of stdin.
pub(crate) fn read_line(prompt: &str) -> Result<Zeroizing<String>> {
    if std::io::stdin().is_terminal() {
        let s = rpassword::prompt_password(prompt).context("cannot read from the terminal")?;
        return Ok(Zeroizing::new(s.trim_end_matches(['\r', '\n']).to_owned()));
    }
    let mut line = Zeroizing::new(String::new());
    let n = std::io::stdin().lock().read_line(&mut line)?;
    if n == 0 {
        bail!("{prompt} 標準入力が空です / stdin ended");
    }
    Ok(Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned()))
}

/// Refuses arguments that look like a My Number: a number must never be given on the
/// command line (it would land in shell history and process lists; M13, invariant 1).
pub(crate) fn refuse_numbers_in_argv(args: &[std::ffi::OsString]) -> Result<()> {
    for (i, a) in args.iter().enumerate().skip(1) {
        let text = a.to_string_lossy();
        if hogo_domain::my_number::find_my_number_like(&text).is_some() {
            bail!(
                "引数{i}: 個人番号らしき値はコマンドラインに書けません。プロンプトか標準入力で渡してください / argument {i}: a value that looks like a My Number is refused on the command line; give it at the prompt or on stdin (M13, invariant 1)"
            );
        }
    }
    Ok(())
}
