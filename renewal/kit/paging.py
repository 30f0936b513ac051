"""Pagination that stays fast on deep pages of large, ordered lists.

OFFSET n makes PostgreSQL produce and discard n rows; past the middle of a list it is
cheaper to read the reversed ordering from the other end and flip the page.
"""

from django.core.paginator import Page, Paginator


class DeepPaginator(Paginator):
    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if bottom <= self.count // 2 or not getattr(self.object_list, "ordered", False):
            return super().page(number)
        from_end = self.object_list.reverse()[self.count - top : self.count - bottom]
        return Page(list(from_end)[::-1], number, self)
