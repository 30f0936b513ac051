"""The walks over every URL of the URLconf, on the permission matrix's world. They share one
module so that the world, the slowest fixture of the suite, is built once for all of them:

- walk_form_values: every page's inputs hold values a browser accepts, the edit pages show
  their stored dates, and the URLs that are not pages are listed with the reason;
- walk_no_store: no answer may be kept by a browser's or a proxy's cache;
- walk_query_fuzz: hostile query values never give a 500, control characters a 400;
- walk_user_words: every page, to every persona, speaks Chinese in the user's words.
"""

from tests.test_permission_matrix import matrix, shared_world  # noqa: F401  (fixtures)
from tests.walk_form_values import (  # noqa: F401
    dated_world,
    test_every_url_is_walked_or_listed,
    test_listed_urls_are_not_pages,
    test_page_inputs_are_browser_acceptable,
    walk,
)
from tests.walk_no_store import (  # noqa: F401
    test_download_headers,
    test_downloads_are_walked,
    test_error_pages_and_fragments_forbid_storing,
    test_every_answer_forbids_storing,
    test_static_assets_keep_their_caching,
)
from tests.walk_query_fuzz import (  # noqa: F401
    test_every_get_url_is_fuzzed,
    test_hostile_query_values_never_give_500,
)
from tests.walk_user_words import (  # noqa: F401
    test_actions_answer_in_the_users_words,
    test_every_form_refuses_in_the_users_words,
    test_form_errors_name_their_field_in_chinese,
    test_pages_speak_the_users_words,
)
