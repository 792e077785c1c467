// The page `reconcile watch --listen` serves at /: plain HTML, CSS and a
// little JavaScript, no external assets (it works offline). It polls
// /status.json and /history.json and writes every value with textContent,
// never as markup, so a node name or an error message cannot inject HTML.
#pragma once

#include <string_view>

namespace reconcile::cli {

std::string_view StatusPageHtml();

}  // namespace reconcile::cli
